import * as fs from 'fs';
import { Browser, chromium } from 'playwright-core';

// Debian's Chromium (installed by apt, see the README), headless, with the flags this machine's
// closed network needs: without the background-networking ones it keeps trying Google's hosts.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A box as `getBoundingClientRect` gives it (this project compiles without the DOM library). */
export interface DOMRectLike { left: number; right: number; top: number; bottom: number; width: number; height: number }

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as the README says.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
