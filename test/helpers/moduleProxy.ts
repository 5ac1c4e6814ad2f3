/**
 * A Go module proxy in a folder, for GOPROXY=file://…: the tests serve fixture modules from it, so
 * downloading a module needs no network. The layout is the GOPROXY protocol's (`<module>/@v/list`,
 * `.info`, `.mod`, `.zip`); the zip is written here (stored entries, no compression), since Node has no zip
 * writer and the go command only needs the module zip format: every file under `<module>@<version>/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';

export interface ProxiedModule {
  readonly path: string;
  readonly version: string;
  /** The folder holding the module's go.mod and files. */
  readonly directory: string;
}

/** Writes the proxy into `root` and returns its GOPROXY value. */
export function makeFileModuleProxy(root: string, modules: readonly ProxiedModule[]): string {
  for (const module of modules) {
    // The GOPROXY protocol escapes upper-case letters as !lower-case.
    const folder = path.join(
      root,
      module.path.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`),
      '@v',
    );
    fs.mkdirSync(folder, { recursive: true });
    fs.appendFileSync(path.join(folder, 'list'), `${module.version}\n`);
    fs.writeFileSync(
      path.join(folder, `${module.version}.info`),
      JSON.stringify({ Version: module.version, Time: '2024-01-01T00:00:00Z' }),
    );
    fs.copyFileSync(path.join(module.directory, 'go.mod'), path.join(folder, `${module.version}.mod`));
    const files = fs
      .readdirSync(module.directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    const entries = files.map((file) => ({
      name: `${module.path}@${module.version}/${path.relative(module.directory, file).split(path.sep).join('/')}`,
      data: fs.readFileSync(file),
    }));
    fs.writeFileSync(path.join(folder, `${module.version}.zip`), storedZip(entries));
  }
  return pathToFileURL(root).href;
}

/** A zip archive of uncompressed entries (APPNOTE.TXT: local headers, central directory, end record). */
function storedZip(entries: readonly { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  // 1 January 2024, 00:00, in MS-DOS date and time.
  const dosTime = 0;
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, nameBytes, data);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(dosTime, 12);
    header.writeUInt16LE(dosDate, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(nameBytes.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
