/** The device-definition language (`*.pacs`): parse, build the model, validate, edit. */
export * from './ast';
export { parseDeviceFile, splitLines, BLOCK_KEYWORDS, type DeviceParseResult } from './parser';
export * from './model';
export * from './schema';
export * from './format';
export * from './edit';
export * from './validate';
export * from './resolve';
