// Names follow the rules the Gren compiler applies to package names.

/** A publishing identity's name, as it was registered (case kept). */
export type IdentityName = string & { readonly __brand: "IdentityName" };
/** The project half of a package name. */
export type ProjectName = string & { readonly __brand: "ProjectName" };

export interface PackageName {
  author: IdentityName;
  project: ProjectName;
}

const AUTHOR = /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;
const PROJECT = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MODULE = /^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*$/;
/**
 * A package name, author and project with the slash between them, is under
 * 256 bytes; names are ASCII, so each part is at most 253 characters.
 */
export const PACKAGE_NAME_LIMIT = 256;
const PART_LIMIT = PACKAGE_NAME_LIMIT - 3;
/** The compiler's limit for a module name, dots included. */
export const MODULE_NAME_LIMIT = 256;

/** ASCII letters, digits and single dashes; not starting or ending with a dash. */
export function parseIdentityName(text: string): IdentityName | undefined {
  return text.length <= PART_LIMIT && AUTHOR.test(text) ? (text as IdentityName) : undefined;
}

/** Lower-case letters, digits and single dashes; starting with a letter, not ending with a dash. */
export function parseProjectName(text: string): ProjectName | undefined {
  return text.length <= PART_LIMIT && PROJECT.test(text) ? (text as ProjectName) : undefined;
}

/** `author/project`, under 256 bytes in all. */
export function parsePackageName(text: string): PackageName | undefined {
  const parts = text.split("/");
  if (parts.length !== 2 || text.length >= PACKAGE_NAME_LIMIT) return undefined;
  const author = parseIdentityName(parts[0]!);
  const project = parseProjectName(parts[1]!);
  return author && project ? { author, project } : undefined;
}

export const formatPackageName = (name: PackageName): string => `${name.author}/${name.project}`;

/** What is wrong with a text that is not a package name, and the name meant when that is plain. */
export interface PackageNameProblem {
  /** Finishes "… is not a package name: ", without a full stop. */
  problem: string;
  /** The name with only its case mended, when that is the whole problem. */
  meant?: string;
}

const IDENTITY_RULE = "ASCII letters, digits and single dashes, not starting or ending with a dash";
const PROJECT_RULE =
  "lower-case letters, digits and single dashes, starting with a letter and not ending with a dash";

/** Why `text` is not a package name; undefined when it is one. */
export function packageNameProblem(text: string): PackageNameProblem | undefined {
  if (parsePackageName(text)) return undefined;
  const parts = text.split("/");
  if (parts.length !== 2) {
    return { problem: "it is author/project, one slash between them, like gren-lang/core" };
  }
  if (text.length >= PACKAGE_NAME_LIMIT) {
    return {
      problem: `it is ${text.length} characters, and a package name is under ${PACKAGE_NAME_LIMIT}`,
    };
  }
  const [author = "", project = ""] = parts;
  if (!parseIdentityName(author)) {
    return {
      problem:
        author === ""
          ? "it has no author before the slash"
          : `its author, ${JSON.stringify(author)}, must be ${IDENTITY_RULE}`,
    };
  }
  if (project !== project.toLowerCase() && parseProjectName(project.toLowerCase())) {
    return {
      problem: "its project is written in lower case",
      meant: `${author}/${project.toLowerCase()}`,
    };
  }
  return {
    problem:
      project === ""
        ? "it has no project after the slash"
        : `its project, ${JSON.stringify(project)}, must be ${PROJECT_RULE}`,
  };
}

/** Why `text` is not an identity name; undefined when it is one. */
export function identityNameProblem(text: string): string | undefined {
  if (parseIdentityName(text)) return undefined;
  return text.length > PART_LIMIT
    ? `it is ${text.length} characters, and an identity name is at most ${PART_LIMIT}`
    : `an identity name is ${IDENTITY_RULE}, like gren-lang`;
}

/** Dot-separated sections, each an upper-case letter followed by letters and digits, under 256 bytes. */
export function isModuleName(text: string): boolean {
  return text.length < MODULE_NAME_LIMIT && MODULE.test(text);
}

/** Modules under this prefix are kernel code: JavaScript, not Gren. */
export const KERNEL_PREFIX = "Gren.Kernel.";

export const isKernelModule = (name: string): boolean => name.startsWith(KERNEL_PREFIX);

/** Identity names that differ only in case are the same name. */
export const identityKey = (name: string): string => name.toLowerCase();

/** A package's name as one key, as the database keys it: project names are lower case already. */
export const packageKey = (name: PackageName): string =>
  `${identityKey(name.author)}/${name.project}`;
