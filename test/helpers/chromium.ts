import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[]

/** Debian's Chromium, if installed (`.ci/run` installs it; locally the browser tests skip without it). */
export function chromiumPath (): string | undefined {
  return CANDIDATES.find((path) => existsSync(path))
}

export function launchChromium (executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // As root in a sandboxed machine with no outside network: no sandbox, no background traffic.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}
