/** pacsw's version, as --version and SARIF's tool.driver.version say it (package.json's; a test keeps them equal). */
export const PACSW_VERSION = '0.1.0';
