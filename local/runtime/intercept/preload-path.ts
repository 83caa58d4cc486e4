import { fileURLToPath } from 'node:url';

/**
 * The module a function environment preloads so that its requests for AWS hostnames reach the emulator
 * (intercept-preload.ts). The worker-thread runtime lists it in `EnvironmentSetup.preload` unless `intercept` is off
 * (`--no-intercept`, `custom.wsgate.intercept: false`); the emulator's own thread never imports it. From the published
 * package (dist/) it is the compiled `.js` beside this file.
 */
export const INTERCEPT_PRELOAD = fileURLToPath(new URL(`./intercept-preload.${import.meta.url.endsWith('.js') ? 'js' : 'ts'}`, import.meta.url));
