/**
 * Finds a Chromium for the browser tests, so `pnpm install && pnpm test` runs them on a machine
 * that has nothing but Node and pnpm. In order: HELIOS_CHROMIUM (an explicit choice, so a wrong
 * path is an error rather than a silent fallback), a system Chrome or Chromium at the usual
 * places (Linux, macOS, Windows), then the Chromium build shipped inside the
 * `@sparticuz/chromium` npm package (Linux x64/arm64), which unpacks itself to the temp folder
 * on first use.
 */
import { existsSync } from 'node:fs';

export interface FoundChromium {
  path: string;
  /** Where it came from, for messages: `HELIOS_CHROMIUM`, `system` or `npm`. */
  source: 'HELIOS_CHROMIUM' | 'system' | 'npm';
}

export interface FindChromiumOptions {
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
  /** Unpacks the npm build and returns its path; the default imports `@sparticuz/chromium`. */
  fromNpm?: () => Promise<string>;
}

/** Where system browsers usually live, most specific first. */
export function systemChromiumPaths(platform: NodeJS.Platform): string[] {
  switch (platform) {
    case 'darwin':
      return [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
        '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
      ];
    case 'win32':
      return [
        'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
        'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
      ];
    default:
      return [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/usr/bin/google-chrome',
        '/usr/bin/google-chrome-stable',
        '/opt/google/chrome/chrome',
      ];
  }
}

async function npmChromium(): Promise<string> {
  const { default: chromium } = await import('@sparticuz/chromium');
  return chromium.executablePath();
}

export async function findChromium(options: FindChromiumOptions = {}): Promise<FoundChromium> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;
  const explicit = env.HELIOS_CHROMIUM;
  if (explicit !== undefined && explicit !== '') {
    if (!exists(explicit)) {
      throw new Error(
        `HELIOS_CHROMIUM is ${explicit}, but there is no file there. Point it at a Chrome or ` +
          'Chromium executable, or unset it to use a system browser or the npm one.',
      );
    }
    return { path: explicit, source: 'HELIOS_CHROMIUM' };
  }
  const system = systemChromiumPaths(platform).find((path) => exists(path));
  if (system !== undefined) return { path: system, source: 'system' };
  if (platform !== 'linux') {
    throw new Error(
      `No Chrome or Chromium found (looked at ${systemChromiumPaths(platform).join(', ')}). ` +
        'Install Google Chrome, or set HELIOS_CHROMIUM to a Chromium executable.',
    );
  }
  return { path: await (options.fromNpm ?? npmChromium)(), source: 'npm' };
}
