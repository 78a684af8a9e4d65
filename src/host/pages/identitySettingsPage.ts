import { html } from "htm/preact";
import type { TrustedPublisherView } from "../../wire/trustedPublishing.ts";
import type { FormGuard } from "./forms.ts";
import { day, type Page, type Viewer } from "./layout.ts";
import { identityPath, identitySettingsPath } from "./paths.ts";

// An identity's settings, for its admins: the trusted publishers, the CI
// workflows that may publish its packages without any stored secret.

export interface IdentitySettings {
  identity: string;
  trustedPublishers: TrustedPublisherView[];
  /** The CI providers the registry trusts, by name and label. */
  providers: { name: string; label: string }[];
  guard: FormGuard;
  problem?: string;
}

export function identitySettingsPage(settings: IdentitySettings, viewer: Viewer): Page {
  const { identity, trustedPublishers, providers, guard, problem } = settings;
  const base = identitySettingsPath(identity);
  const label = (name: string) => providers.find((p) => p.name === name)?.label ?? name;
  return {
    title: `Settings · ${identity}`,
    viewer,
    main: html`<p class="meta">
        Publishing identity <a href=${identityPath(identity)}>${identity}</a>
      </p>
      <h1>Settings of ${identity}</h1>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      <section aria-labelledby="trusted-heading">
        <h2 id="trusted-heading">Trusted publishers</h2>
        <p class="meta">
          A run of one of these workflows may trade its CI service's ID token for a publish token
          of half an hour, for the packages named, without any stored secret.
        </p>
        ${
          trustedPublishers.length === 0
            ? html`<p>${identity} trusts no workflow yet.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">Repository</th>
                    <th scope="col">Workflow</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Packages</th>
                    <th scope="col">Added</th>
                    <th scope="col"><span class="visually-hidden">Action</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${trustedPublishers.map(
                    (publisher) => html`<tr>
                      <td>${label(publisher.provider)}</td>
                      <td>${publisher.repository}</td>
                      <td>${publisher.workflow}</td>
                      <td>${publisher.environment ?? html`<span class="meta">any</span>`}</td>
                      <td>${publisher.packages.join(", ")}</td>
                      <td>${day(publisher.createdAt)} by ${publisher.createdBy}</td>
                      <td>
                        <form class="inline-form" method="post" action=${`${base}/trusted-publishers/remove`}>
                          ${guard}
                          <input type="hidden" name="id" value=${publisher.id} />
                          <button
                            type="submit"
                            class="button-quiet"
                            aria-label=${`Remove the trusted publisher ${publisher.repository} ${publisher.workflow}`}
                          >
                            Remove
                          </button>
                        </form>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
        }
        <h3>Add a trusted publisher</h3>
        <form class="stacked-form" method="post" action=${`${base}/trusted-publishers`}>
          ${guard}
          <label for="tp-provider">CI service</label>
          <select id="tp-provider" name="provider">
            ${providers.map((p) => html`<option value=${p.name}>${p.label}</option>`)}
          </select>
          <label for="tp-repository">Repository (owner/name)</label>
          <input id="tp-repository" name="repository" required placeholder=${`${identity}/widgets`} />
          <label for="tp-workflow">Workflow file (release.yml, in .github/workflows/)</label>
          <input id="tp-workflow" name="workflow" required placeholder="release.yml" />
          <label for="tp-environment">Environment (optional)</label>
          <input id="tp-environment" name="environment" placeholder="release" />
          <label for="tp-packages">Packages (author/project or author/*, separated by spaces)</label>
          <input id="tp-packages" name="packages" required value=${`${identity}/*`} />
          <button type="submit">Add the trusted publisher</button>
        </form>
      </section>`,
  };
}
