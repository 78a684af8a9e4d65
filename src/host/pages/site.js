// The package site's one script. Every page works without it; with it, an
// install command copies with one press, a package's docs can be searched
// from any of its pages, and a browser waiting for its login link notices by
// itself when the link was confirmed. It asks nothing but the registry.

/** Things said to screen readers as they happen. */
function announce(region, text) {
  if (!region) return;
  region.textContent = "";
  // A change after a pause is announced even when the text is the same as before.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// ------------------------------------------------------------ copy buttons

for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const status = button.parentElement?.querySelector(".copy-status");
    try {
      await navigator.clipboard.writeText(button.dataset.copy ?? "");
      button.textContent = "Copied";
      announce(status, "Copied to the clipboard");
    } catch {
      button.textContent = "Select and copy";
      announce(status, "The browser did not allow copying: select the command and copy it");
    }
    setTimeout(() => {
      button.textContent = "Copy";
    }, 2000);
  });
}

// ------------------------------------------------------------ searching a package's docs

const MOST_RESULTS = 50;

for (const form of document.querySelectorAll("form[data-docs]")) {
  const input = form.querySelector("input");
  const results = form.parentElement?.querySelector(".docs-results");
  const status = form.querySelector(".docs-status");
  if (!input || !results) continue;
  form.hidden = false;
  let entries;
  const load = async () => {
    if (entries) return entries;
    const response = await fetch(form.dataset.docs, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`The docs answered ${response.status}`);
    entries = [];
    // Gren's docs.json is an object of modules by name (Elm's was an array).
    const docs = await response.json();
    for (const module of Array.isArray(docs) ? docs : Object.values(docs)) {
      const add = (kind, name, type) =>
        entries.push({
          module: module.name,
          kind,
          name,
          type,
          key: `${name} ${type}`.toLowerCase(),
        });
      for (const value of module.values) add("value", value.name, value.type);
      for (const binop of module.binops) add("operator", `(${binop.name})`, binop.type);
      for (const alias of module.aliases) add("type alias", alias.name, alias.type);
      for (const union of module.unions) {
        add("type", union.name, union.cases.map(([name]) => name).join(" | "));
      }
    }
    return entries;
  };
  // The module's own index narrows as the reader types.
  const index = document.querySelectorAll(".module-index li[data-name]");
  const show = async () => {
    const words = input.value.trim().toLowerCase();
    for (const item of index) {
      item.hidden = words !== "" && !item.dataset.name.toLowerCase().includes(words);
    }
    results.replaceChildren();
    if (words === "") {
      results.hidden = true;
      announce(status, "");
      return;
    }
    let found;
    try {
      found = (await load()).filter((entry) => entry.key.includes(words));
    } catch {
      announce(status, "The package's docs could not be loaded; try again.");
      return;
    }
    if (input.value.trim().toLowerCase() !== words) return;
    // Names that match come before signatures that do.
    found.sort(
      (a, b) =>
        Number(!a.name.toLowerCase().includes(words)) -
          Number(!b.name.toLowerCase().includes(words)) || a.name.localeCompare(b.name),
    );
    for (const entry of found.slice(0, MOST_RESULTS)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      const anchor = entry.name.replace(/^\((.*)\)$/, "$1");
      link.href = `${form.dataset.base}${encodeURIComponent(entry.module)}#${encodeURIComponent(anchor)}`;
      link.textContent = entry.name;
      const where = document.createElement("span");
      where.className = "meta";
      where.textContent = ` ${entry.kind} in ${entry.module}`;
      const type = document.createElement("code");
      type.textContent = entry.type;
      item.append(link, where, document.createElement("br"), type);
      results.append(item);
    }
    results.hidden = false;
    const more = found.length > MOST_RESULTS ? `, the first ${MOST_RESULTS} shown` : "";
    announce(
      status,
      found.length === 0
        ? "Nothing in this package's docs matches."
        : `${found.length} match${found.length === 1 ? "" : "es"} in this package's docs${more}.`,
    );
  };
  input.addEventListener("input", show);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
}

// ------------------------------------------------------------ waiting for a login link

const waiting = document.querySelector("[data-login-state]");
if (waiting) {
  const status = waiting.querySelector(".login-status");
  const ask = async () => {
    try {
      const response = await fetch(waiting.dataset.loginState, {
        headers: { accept: "application/json" },
      });
      const { state } = await response.json();
      if (state === "signed_in") {
        announce(status, "The link was confirmed: you are logged in.");
        window.location.assign(waiting.dataset.then ?? "/");
        return;
      }
      if (state === "ended") {
        announce(status, "This login has ended; start again.");
        return;
      }
    } catch {
      // The network came and went: ask again.
    }
    setTimeout(ask, 2000);
  };
  setTimeout(ask, 2000);
}
