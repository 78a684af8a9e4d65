// The addresses of the site's pages, in one place. Names and versions are
// checked before they reach a page, yet each part is still escaped for a URL.

const part = encodeURIComponent;

/** `author/project`, its slash kept. */
const packagePart = (name: string): string => name.split("/").map(part).join("/");

export const packagePath = (name: string): string => `/packages/${packagePart(name)}`;

export const versionPath = (name: string, version: string): string =>
  `${packagePath(name)}/${part(version)}`;

export const modulesPath = (name: string, version: string): string =>
  `${versionPath(name, version)}/modules`;

export const modulePath = (name: string, version: string, module: string): string =>
  `${modulesPath(name, version)}/${part(module)}`;

export const docsJsonPath = (name: string, version: string): string =>
  `${versionPath(name, version)}/docs.json`;

/** The latest version's page, whichever it is: an address that stays current. */
export const LATEST_VERSION = "latest";

export const versionsPath = (name: string): string => `${packagePath(name)}/versions`;

export const packageFeedPath = (name: string): string => `${packagePath(name)}/feed.atom`;

export const FEED_PATH = "/feed.atom";

export const identityPath = (name: string): string => `/publishing-identity/${part(name)}`;

export const searchPath = (query: string, cursor?: string): string => {
  const parameters = new URLSearchParams({ q: query });
  if (cursor !== undefined) parameters.set("cursor", cursor);
  return `/search?${parameters.toString()}`;
};

export const identitySettingsPath = (name: string): string => `${identityPath(name)}/settings`;

export const ACCOUNT_PATH = "/account";
