// The backward-pass stepper (autograd/stepper.py): reads the trace, lays the graph out when Graphviz did not,
// and shows one step at a time. Step 0 is the start; step k lights the k-th node the backward pass visits.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("trace").textContent);
  const graph = document.getElementById("graph");
  const panel = document.getElementById("panel");
  const counter = document.getElementById("counter");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  const steps = data.steps;
  const names = {};
  let current = 0;

  if (!graph.querySelector("svg")) graph.appendChild(layout(data.graph));
  for (const n of data.graph.nodes) {
    names[n.id] = n.name;
    const drawn = document.getElementById(n.id);
    if (drawn) {
      drawn.dataset.name = n.name;
      drawn.classList.add("node", ...n.kind.split(" "));
    }
  }

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  function row(cells, attrs) {
    const tr = el("tr", null, attrs);
    for (const c of cells) tr.appendChild(el("td", c));
    return tr;
  }

  function mark(id, cls) {
    const e = id && document.getElementById(id);
    if (e) e.classList.add(cls);
  }

  function show(k) {
    current = Math.max(0, Math.min(k, steps.length));
    for (const cls of ["current", "done", "active"]) {
      for (const e of Array.from(graph.querySelectorAll("." + cls))) e.classList.remove(cls);
    }
    const sofar = {};
    for (let j = 0; j < current; j++) {
      Object.assign(sofar, steps[j].updates);
      if (j < current - 1) mark(steps[j].node, "done");
    }
    panel.replaceChildren();
    counter.textContent = `step ${current} / ${steps.length}`;
    prev.disabled = current === 0;
    next.disabled = current === steps.length;
    const step = steps[current - 1];
    if (!step) {
      panel.appendChild(el("h2", "Before the backward pass", { id: "step-title" }));
      panel.appendChild(el("p", `The forward pass computed ${data.root} = ${data.value}. Backward starts there with ` +
        `∂${data.root}/∂${data.root} = 1 and visits each node once, in the order the engine does: at each, ` +
        "the gradient from above (upstream) times the op's local gradient is sent down each input edge " +
        "(downstream), and where several paths meet the gradients add up. Press Next or →."));
    } else {
      mark(step.node, "current");
      const lit = document.getElementById(step.node);
      if (lit && lit.scrollIntoView) lit.scrollIntoView({ block: "nearest", inline: "center" });
      panel.appendChild(el("h2", step.title, { id: "step-title" }));
      if (step.kind === "node") {
        mark(step.op, "current");
        mark("o" + step.op.slice(2), "active");
        const rule = el("p", "local gradient (the op's rule): ");
        rule.appendChild(el("code", step.rule, { id: "rule" }));
        panel.appendChild(rule);
        panel.appendChild(el("p", "upstream: " + step.upstream, { id: "upstream" }));
        const table = el("table", null, { id: "edges" });
        table.appendChild(row(["to input", "upstream × local = downstream", "running sum there"]));
        for (const e of step.edges) {
          mark(e.edge, "active");
          table.appendChild(row([e.name, e.product, e.running], { "data-input": e.name }));
        }
        panel.appendChild(table);
        if (!step.edges.length) panel.appendChild(el("p", "No input needs a gradient."));
      } else {
        panel.appendChild(el("p", step.total, { id: "total", class: "total" }));
      }
    }
    if (current === steps.length && data.omitted) {
      panel.appendChild(el("p", `… ${data.omitted} more nodes were computed but not shown (max_steps).`));
    }
    panel.appendChild(el("h3", "gradients so far"));
    const table = el("table", null, { id: "sofar" });
    for (const [id, text] of Object.entries(sofar)) {
      const changed = step && id in step.updates ? { class: "changed" } : {};
      table.appendChild(row([text], { "data-node": id, "data-name": names[id], ...changed }));
    }
    panel.appendChild(table);
  }

  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight" || event.key === "ArrowDown") show(current + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") show(current - 1);
    else return;
    event.preventDefault();
  });
  show(0);

  // Without Graphviz: columns by distance from the output (inputs left, output right), rows ordered by
  // the average row of each node's consumers, edges as curves from the right side to the left side.
  function layout(g) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "laid-out");
    const consumers = {};
    const producers = {};
    for (const n of g.nodes) { consumers[n.id] = []; producers[n.id] = []; }
    for (const e of g.edges) { consumers[e.from].push(e.to); producers[e.to].push(e.from); }
    const rank = {};
    const left = {};
    const ready = [];
    for (const n of g.nodes) {
      left[n.id] = consumers[n.id].length;
      if (!left[n.id]) { rank[n.id] = 0; ready.push(n.id); }
    }
    const order = [];
    while (ready.length) {
      const id = ready.shift();
      order.push(id);
      for (const p of producers[id]) {
        rank[p] = Math.max(rank[p] || 0, rank[id] + 1);
        if (--left[p] === 0) ready.push(p);
      }
    }
    const size = {};
    for (const n of g.nodes) {
      const w = Math.max(...n.lines.map((line) => line.length)) * 6.6 + 20;
      size[n.id] = { w: n.kind.startsWith("op") ? w + 16 : w, h: n.lines.length * 14 + 12, lines: n.lines };
    }
    const columns = [];
    for (const id of order) (columns[rank[id]] = columns[rank[id]] || []).push(id);
    const row = {};
    columns.forEach((col, r) => {  // the output's column first: each node goes near its consumers' rows
      const bary = {};
      col.forEach((id, i) => {
        const cs = consumers[id];
        bary[id] = cs.length ? cs.reduce((a, c) => a + row[c], 0) / cs.length : i;
      });
      col.sort((a, b) => bary[a] - bary[b]).forEach((id, i) => { row[id] = i; });
    });
    const widths = columns.map((col) => Math.max(...col.map((id) => size[id].w)));
    const pos = {};
    let x = 10;
    let height = 0;
    for (let r = columns.length - 1; r >= 0; r--) {
      let y = 10;
      for (const id of columns[r]) {
        pos[id] = { x: x + (widths[r] - size[id].w) / 2, y };
        y += size[id].h + 18;
      }
      height = Math.max(height, y);
      x += widths[r] + 50;
    }
    svg.setAttribute("viewBox", `0 0 ${x} ${height}`);
    svg.setAttribute("width", x);
    svg.setAttribute("height", height);
    const defs = document.createElementNS(SVG, "defs");
    defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" ' +
      'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker>';
    svg.appendChild(defs);
    for (const e of g.edges) {
      const a = pos[e.from], b = pos[e.to];
      const x1 = a.x + size[e.from].w, y1 = a.y + size[e.from].h / 2, x2 = b.x, y2 = b.y + size[e.to].h / 2;
      const group = document.createElementNS(SVG, "g");
      group.setAttribute("id", e.id);
      group.setAttribute("class", "edge");
      const path = document.createElementNS(SVG, "path");
      const mid = (x1 + x2) / 2;
      path.setAttribute("d", `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "#333");
      path.setAttribute("marker-end", "url(#arrow)");
      group.appendChild(path);
      svg.appendChild(group);
    }
    const fills = { output: "#caff70", leaf: "#add8e6", op: "#d3d3d3", const: "#ffffff", inter: "#ffffff" };
    for (const n of g.nodes) {
      const p = pos[n.id], s = size[n.id];
      const group = document.createElementNS(SVG, "g");
      group.setAttribute("id", n.id);
      const shape = document.createElementNS(SVG, n.kind.startsWith("op") ? "ellipse" : "rect");
      if (n.kind.startsWith("op")) {
        for (const [k, v] of Object.entries({ cx: p.x + s.w / 2, cy: p.y + s.h / 2, rx: s.w / 2, ry: s.h / 2 })) shape.setAttribute(k, v);
      } else {
        for (const [k, v] of Object.entries({ x: p.x, y: p.y, width: s.w, height: s.h, rx: 6 })) shape.setAttribute(k, v);
      }
      shape.setAttribute("fill", fills[n.kind.split(" ")[0]]);
      shape.setAttribute("stroke", "#333");
      if (n.kind === "const") shape.setAttribute("stroke-dasharray", "4 2");
      group.appendChild(shape);
      s.lines.forEach((line, i) => {
        const text = document.createElementNS(SVG, "text");
        text.setAttribute("x", p.x + s.w / 2);
        text.setAttribute("y", p.y + 17 + i * 14);
        text.setAttribute("text-anchor", "middle");
        text.textContent = line;
        group.appendChild(text);
      });
      svg.appendChild(group);
    }
    return svg;
  }
})();
