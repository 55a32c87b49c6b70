/** Deploying device tables to servers (Orthanc, export folder) and importing them back. */
export * from './diff';
export * from './target';
export * from './orthancClient';
export * from './orthancMapping';
export { OrthancTarget } from './orthanc';
export * from './exportFolder';
export * from './deploy';
export * from './import';
export * from './targetKinds';
