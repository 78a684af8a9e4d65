import { html } from "htm/preact";
import type { IdentityPackage } from "../../core/identities.ts";
import type { IdentityView } from "../../wire/identities.ts";
import { day, type Page, type Viewer } from "./layout.ts";
import { identitySettingsPath, packagePath } from "./paths.ts";

/** A publishing identity's packages, each with its summary and latest version, and its members for those who are one. */
export function identityPage(
  identity: IdentityView & { packageSummaries: IdentityPackage[] },
  viewer: Viewer | undefined,
): Page {
  const admin = identity.members?.some(
    (member) => member.email === viewer?.email && member.role === "admin",
  );
  return {
    title: identity.name,
    description: `Packages published by ${identity.name}`,
    viewer,
    main: html`<p class="meta">Publishing identity</p>
      <h1>${identity.name}</h1>
      ${
        admin
          ? html`<p><a href=${identitySettingsPath(identity.name)}>Settings and trusted publishers</a></p>`
          : null
      }
      <section aria-labelledby="packages-heading">
        <h2 id="packages-heading">Packages</h2>
        ${
          identity.packageSummaries.length === 0
            ? html`<p>${identity.name} has published no packages yet.</p>`
            : html`<p class="meta">
                  ${`${identity.packageSummaries.length} package${identity.packageSummaries.length === 1 ? "" : "s"}`}
                </p>
                <ul class="package-list">
                  ${identity.packageSummaries.map(
                    (pkg) => html`<li>
                      <a class="name" href=${packagePath(pkg.name)}>${pkg.name}</a>
                      <span class="meta">
                        ${
                          pkg.latest === undefined
                            ? " every version revoked"
                            : html` ${pkg.latest}${pkg.publishedAt === undefined ? null : html`, ${day(pkg.publishedAt)}`}`
                        }
                        ${pkg.private ? " · private" : null}
                      </span>
                      <p>${pkg.summary}</p>
                    </li>`,
                  )}
                </ul>`
        }
      </section>
      ${
        identity.members
          ? html`<section aria-labelledby="members-heading">
              <h2 id="members-heading">Members</h2>
              <p class="meta">Only members see this list, and the identity's private packages.</p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Role</th>
                  </tr>
                </thead>
                <tbody>
                  ${identity.members.map(
                    (member) => html`<tr>
                      <td>${member.email}</td>
                      <td>${member.role}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </section>`
          : null
      }`,
  };
}
