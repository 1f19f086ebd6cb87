"use strict";
// bastion's HTML report: filters, search, sort and grouping over findings the page already lists in full.
// Everything here reads the page's own elements and writes only text (textContent), never HTML.
(function () {
  const form = document.getElementById("filters");
  if (!form) {
    return;
  }
  form.hidden = false;
  const SEVERITY = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  const CONFIDENCE = { high: 2, medium: 1, low: 0 };
  const lists = Array.from(document.querySelectorAll("[data-findings]")).map(function (container) {
    return { container: container, items: Array.from(container.querySelectorAll("article.finding")) };
  });
  // Each finding's searchable text, read on the first search (not at load: a large report opens faster).
  const searchText = new Map();
  function textOf(article) {
    let text = searchText.get(article);
    if (text === undefined) {
      text = Array.from(article.querySelectorAll("[data-search]")).map(function (node) {
        return node.textContent;
      }).join("\n").toLowerCase();
      searchText.set(article, text);
    }
    return text;
  }

  function value(name) {
    const field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function matches(article, filters) {
    const data = article.dataset;
    if (filters.severity && data.severity !== filters.severity) return false;
    if (filters.family && data.family !== filters.family) return false;
    if (filters.rule && data.rule !== filters.rule) return false;
    if (filters.file && data.file !== filters.file) return false;
    if (filters.confidence && data.confidence !== filters.confidence) return false;
    if (!filters.terms.length) return true;
    const text = textOf(article);
    return filters.terms.every(function (term) {
      return text.indexOf(term) !== -1;
    });
  }

  function byLocation(a, b) {
    const x = a.dataset;
    const y = b.dataset;
    if (x.file !== y.file) return x.file < y.file ? -1 : 1;
    return (Number(x.line) - Number(y.line)) || (Number(x.column) - Number(y.column)) || (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : 0);
  }

  const ORDERS = {
    location: byLocation,
    severity: function (a, b) {
      return (SEVERITY[b.dataset.severity] - SEVERITY[a.dataset.severity]) || byLocation(a, b);
    },
    rule: function (a, b) {
      return a.dataset.rule < b.dataset.rule ? -1 : a.dataset.rule > b.dataset.rule ? 1 : byLocation(a, b);
    },
    confidence: function (a, b) {
      return (CONFIDENCE[b.dataset.confidence] - CONFIDENCE[a.dataset.confidence]) || byLocation(a, b);
    },
  };

  function groupTitle(article, grouping) {
    const title = document.createElement("h3");
    const name = document.createElement("code");
    if (grouping === "rule") {
      name.textContent = article.dataset.rule;
      title.append(name, " " + (article.dataset.slug || ""));
    } else if (grouping === "severity") {
      title.append(article.dataset.severity);
    } else {
      name.textContent = article.dataset.file;
      title.append(name);
    }
    return title;
  }

  function groupKey(article, grouping) {
    if (grouping === "rule") return article.dataset.rule;
    if (grouping === "severity") return article.dataset.severity;
    if (grouping === "none") return "";
    return article.dataset.file;
  }

  function currentFilters() {
    return {
      severity: value("severity"),
      family: value("family"),
      rule: value("rule"),
      file: value("file"),
      confidence: value("confidence"),
      terms: value("q").toLowerCase().split(/\s+/).filter(Boolean),
    };
  }

  // The page arrives grouped by file, in file and line order: its groups are read, not rebuilt.
  lists.forEach(function (list) {
    list.groups = Array.from(list.container.querySelectorAll(":scope > section.group")).map(function (section) {
      return {
        section: section,
        count: section.querySelector(".group-count"),
        members: Array.from(section.querySelectorAll("article.finding")),
      };
    });
  });
  let arrangement = "file location";

  // Rebuild the groups in a new order (only when the sort or the grouping changes: it moves every finding).
  function arrange(grouping, order) {
    lists.forEach(function (list) {
      const groups = new Map();
      list.items.slice().sort(order).forEach(function (article) {
        const key = groupKey(article, grouping);
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(article);
      });
      // Groups in their own order (files and rules by name, severities from critical down); findings in each
      // group in the order chosen.
      const keys = Array.from(groups.keys()).sort(grouping === "severity" ? function (a, b) {
        return SEVERITY[b] - SEVERITY[a];
      } : function (a, b) {
        return a < b ? -1 : a > b ? 1 : 0;
      });
      list.groups = keys.map(function (key) {
        const members = groups.get(key);
        const section = document.createElement("section");
        section.className = "group";
        let count = null;
        if (grouping !== "none") {
          const title = groupTitle(members[0], grouping);
          count = document.createElement("span");
          count.className = "group-count";
          title.append(count);
          section.append(title);
        }
        section.append.apply(section, members);
        return { section: section, count: count, members: members };
      });
      list.container.replaceChildren.apply(list.container, list.groups.map(function (group) {
        return group.section;
      }));
    });
  }

  // Show what the filters keep; the page is only written where something changes.
  function applyFilters(filters) {
    lists.forEach(function (list) {
      let shown = 0;
      list.groups.forEach(function (group) {
        let visible = 0;
        group.members.forEach(function (article) {
          const keep = matches(article, filters);
          if (article.hidden === keep) article.hidden = !keep;
          if (keep) visible += 1;
        });
        shown += visible;
        if (group.section.hidden !== (visible === 0)) group.section.hidden = visible === 0;
        const label = " (" + visible + ")";
        if (group.count && group.count.textContent !== label) group.count.textContent = label;
      });
      const counter = document.getElementById(list.container.dataset.counter);
      const text = list.container.dataset.noun.replace("{shown}", shown).replace("{total}", list.items.length);
      if (counter && counter.textContent !== text) counter.textContent = text;
    });
  }

  function render() {
    const grouping = value("group") || "file";
    const sorting = value("sort") || "location";
    if (grouping + " " + sorting !== arrangement) {
      arrangement = grouping + " " + sorting;
      arrange(grouping, ORDERS[sorting] || byLocation);
    }
    applyFilters(currentFilters());
  }

  // The filters only: the chosen sort and grouping stay.
  function clearFilters() {
    ["severity", "family", "rule", "file", "confidence", "q"].forEach(function (name) {
      const field = form.elements.namedItem(name);
      if (field) field.value = "";
    });
  }

  function reveal() {
    let id = "";
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return;
    }
    const target = id ? document.getElementById(id) : null;
    if (!target) return;
    const article = target.closest("article.finding");
    if (article && article.hidden) {
      clearFilters();
      render();
    }
    if (target.tagName === "DETAILS") target.open = true;
    for (let fold = target.parentElement && target.parentElement.closest("details"); fold; fold = fold.parentElement && fold.parentElement.closest("details")) {
      fold.open = true;
    }
    document.querySelectorAll(".targeted").forEach(function (node) {
      node.classList.remove("targeted");
    });
    target.classList.add("targeted");
    target.scrollIntoView({ block: "start" });
    if (target.hasAttribute("tabindex")) target.focus({ preventScroll: true });
  }

  form.addEventListener("input", render);
  form.addEventListener("change", render);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(render, 0);
  });
  window.addEventListener("hashchange", reveal);
  // A link to the fragment already in the address bar changes nothing, so no hashchange: reveal it all the same.
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) window.setTimeout(reveal, 0);
  });
  document.addEventListener("keydown", function (event) {
    const typing = event.target.closest && event.target.closest("input, select, textarea");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      form.elements.namedItem("q").focus();
    }
  });

  // Printing shows every fold open; they close again afterwards.
  let opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.from(document.querySelectorAll("details:not([open])"));
    opened.forEach(function (fold) {
      fold.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (fold) {
      fold.open = false;
    });
    opened = [];
  });

  render();
  reveal();
})();
