/**
 * The settings the client has for a document: asked with `workspace/configuration` when the client can
 * answer it, else the ones it pushed (initialization options, `workspace/didChangeConfiguration`).
 *
 * The answers are cached per resource (the `scopeUri`), as lsp-sample does, and the cache is dropped on
 * `workspace/didChangeConfiguration`: edits, saves, hints and lenses do not each ask the client again.
 */
import type { GoSettings } from './engine/goCommand';
import { goExtensionGoLocation, withGoExtensionSettings } from './goExtensionSettings';
import type { GoLocationSettings } from './goCommandResolution';
import type { OnceLog } from './onceLog';
import { SETTINGS_SECTION } from './protocol';
import { goSettings, normaliseSettings, type Settings } from './settings';

/** `workspace/configuration` for one section at one scope. */
export type ConfigurationRequester = (scopeUri: string, section: string) => Promise<unknown>;

/** Puts the go command that was found into the settings (goCommandResolution.ts); absent: as configured. */
export type GoFinder = (go: GoSettings, location: GoLocationSettings) => Promise<GoSettings>;

interface ScopeSettings {
  readonly settings: Settings;
  /** The build settings (flags, environment), the go command as configured. */
  readonly go: GoSettings;
  /** Where the settings say go is: ours and the Go extension's. */
  readonly location: GoLocationSettings;
}

export class ClientSettings {
  private canPullConfiguration = false;
  private pushedSettings: unknown;
  /** Per scope URI: our settings and the go command's, as the client answered them. */
  private readonly cache = new Map<string, Promise<ScopeSettings>>();

  constructor(
    private readonly requestConfiguration: ConfigurationRequester,
    private readonly onceLog: OnceLog,
    private readonly findGo?: GoFinder,
    /** Told each settings answer, e.g. to follow the log level. */
    private readonly onRead?: (settings: Settings) => void,
  ) {}

  /** From `initialize`: whether the client answers `workspace/configuration`, and the settings it pushed. */
  initialize(canPullConfiguration: boolean, pushedSettings: unknown): void {
    this.canPullConfiguration = canPullConfiguration;
    this.pushedSettings = pushedSettings;
  }

  /** `workspace/didChangeConfiguration`: `section` is our section of what the client pushed, if it pushed it. */
  changed(section: unknown): void {
    if (section !== undefined) this.pushedSettings = section;
    this.cache.clear();
  }

  /** A closed document's settings are asked again when it is opened again. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }

  async settingsFor(uri: string): Promise<Settings> {
    return (await this.cached(uri)).settings;
  }

  /**
   * The go command's settings for `uri`, with the official Go extension's (`go.buildTags` …) when the client
   * has them, and the go command found as the Go extension finds it (searched once per settings). Only for
   * running go: never called in Restricted Mode.
   */
  async goSettingsFor(uri: string): Promise<GoSettings> {
    const { go, location } = await this.cached(uri);
    return this.findGo ? this.findGo(go, location) : go;
  }

  /** The build settings alone (tags, environment), without looking for the go command: nothing runs. */
  async buildSettingsFor(uri: string): Promise<GoSettings> {
    return (await this.cached(uri)).go;
  }

  private cached(uri: string): Promise<ScopeSettings> {
    let entry = this.cache.get(uri);
    if (!entry) {
      entry = this.ask(uri);
      this.cache.set(uri, entry);
    }
    return entry;
  }

  private async ask(uri: string): Promise<ScopeSettings> {
    let raw: unknown = this.pushedSettings;
    if (this.canPullConfiguration) raw = await this.requestConfiguration(uri, SETTINGS_SECTION).catch(() => this.pushedSettings);
    const { settings, problems } = normaliseSettings(raw);
    // Keyed by the setting, so each wrong value is said once, and again only after it changed.
    for (const problem of problems) this.onceLog.say(`settings:${problem.split(':')[0]}`, problem);
    this.onRead?.(settings);
    const section = await this.goExtensionSectionFor(uri);
    return {
      settings,
      go: withGoExtensionSettings(goSettings(settings), section),
      location: { goPath: settings.goPath, ...goExtensionGoLocation(section) },
    };
  }

  private async goExtensionSectionFor(uri: string): Promise<unknown> {
    if (!this.canPullConfiguration) return undefined;
    return this.requestConfiguration(uri, 'go').catch(() => undefined);
  }
}
