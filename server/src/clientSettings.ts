/**
 * The settings the client has for a document: asked with `workspace/configuration` when the client can
 * answer it, else the ones it pushed (initialization options, `workspace/didChangeConfiguration`).
 */
import type { GoSettings } from './engine/goCommand';
import { withGoExtensionSettings } from './goExtensionSettings';
import type { OnceLog } from './onceLog';
import { SETTINGS_SECTION } from './protocol';
import { goSettings, normaliseSettings, type Settings } from './settings';

/** `workspace/configuration` for one section at one scope. */
export type ConfigurationRequester = (scopeUri: string, section: string) => Promise<unknown>;

export class ClientSettings {
  private canPullConfiguration = false;
  private pushedSettings: unknown;

  constructor(
    private readonly requestConfiguration: ConfigurationRequester,
    private readonly onceLog: OnceLog,
  ) {}

  /** From `initialize`: whether the client answers `workspace/configuration`, and the settings it pushed. */
  initialize(canPullConfiguration: boolean, pushedSettings: unknown): void {
    this.canPullConfiguration = canPullConfiguration;
    this.pushedSettings = pushedSettings;
  }

  /** `workspace/didChangeConfiguration`: `section` is our section of what the client pushed, if it pushed it. */
  changed(section: unknown): void {
    if (section !== undefined) this.pushedSettings = section;
  }

  async settingsFor(uri: string): Promise<Settings> {
    let raw: unknown = this.pushedSettings;
    if (this.canPullConfiguration) raw = await this.requestConfiguration(uri, SETTINGS_SECTION).catch(() => this.pushedSettings);
    const { settings, problems } = normaliseSettings(raw);
    for (const problem of problems) this.onceLog.say('settings', problem);
    return settings;
  }

  /** The go command's settings for `uri`, with the official Go extension's (`go.buildTags` …) when the client has them. */
  async goSettingsFor(uri: string, settings: Settings): Promise<GoSettings> {
    return withGoExtensionSettings(goSettings(settings), await this.goExtensionSectionFor(uri));
  }

  private async goExtensionSectionFor(uri: string): Promise<unknown> {
    if (!this.canPullConfiguration) return undefined;
    return this.requestConfiguration(uri, 'go').catch(() => undefined);
  }
}
