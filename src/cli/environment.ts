import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserFacingError } from '../errors.js';

/**
 * The GATEHOUSE_* variables for the essentials, as container platforms expect to set them (Apollo
 * Router's APOLLO_ROUTER_*, Cosmo's CONFIG_PATH/LISTEN_ADDR). Each one stands for a flag and is used
 * when the flag is not given: a flag wins over its variable, and both win over the config file.
 * GATEHOUSE_STAGE is read where the stage is chosen (config/load.ts). Every value is checked here,
 * so that a bad one is reported with the variable's name rather than as a config field.
 */
export const SETTING_VARIABLES = {
  config: 'GATEHOUSE_CONFIG',
  supergraph: 'GATEHOUSE_SUPERGRAPH',
  host: 'GATEHOUSE_HOST',
  port: 'GATEHOUSE_PORT',
  workers: 'GATEHOUSE_WORKERS',
  logLevel: 'GATEHOUSE_LOG_LEVEL',
} as const;

export type Setting = keyof typeof SETTING_VARIABLES;
export type Settings = Partial<Record<Setting, string>>;

const FLAGS: Record<Setting, string> = {
  config: '--config',
  supergraph: '--supergraph',
  host: '--host',
  port: '--port',
  workers: '--workers',
  logLevel: 'GATEHOUSE_LOG_LEVEL',
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The settings given as flags, completed from the environment where a flag is missing (an empty
 * variable counts as unset, as `${VAR:-}` in compose yields one). `accepted` names the variables the
 * command reads; others are ignored.
 */
export function settingsFrom(
  flags: { [setting in Setting]?: string | undefined },
  env: NodeJS.ProcessEnv,
  accepted: readonly Setting[],
): Settings {
  const settings: Settings = {};
  for (const setting of Object.keys(SETTING_VARIABLES) as Setting[]) {
    const flag = flags[setting];
    if (flag !== undefined) {
      settings[setting] = check(setting, FLAGS[setting], flag);
      continue;
    }
    const variable = SETTING_VARIABLES[setting];
    const value = env[variable];
    if (accepted.includes(setting) && value !== undefined && value !== '')
      settings[setting] = check(setting, variable, value);
  }
  return settings;
}

/** The value, or a UserFacingError naming where it came from (`--port`, `GATEHOUSE_PORT`). */
function check(setting: Setting, from: string, value: string): string {
  const fail = (expected: string) => {
    throw new UserFacingError(`${from}: expected ${expected}, got "${value}"`);
  };
  switch (setting) {
    case 'port':
      if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65535) fail('a port number from 0 to 65535');
      return value.trim();
    case 'workers':
      if (!/^\d{1,3}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 256)
        fail('a number of worker processes from 1 to 256');
      return value.trim();
    case 'logLevel':
      if (!LOG_LEVELS.includes(value.trim())) fail(`one of ${LOG_LEVELS.join(', ')}`);
      return value.trim();
    case 'host':
      if (!/^\S+$/.test(value)) fail('an interface address such as 0.0.0.0, :: or 127.0.0.1');
      return value;
    case 'config':
    case 'supergraph':
      // Flags are left to the loader, which names the file it cannot read.
      if (from.startsWith('GATEHOUSE_') && !existsSync(resolve(value)))
        throw new UserFacingError(`${from} names ${resolve(value)}, which does not exist`);
      return value;
    default: {
      const unknown: never = setting;
      return unknown;
    }
  }
}
