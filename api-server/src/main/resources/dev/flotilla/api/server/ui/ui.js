// The cluster page. Read-only: it only ever sends GET. The cluster's state comes from the event
// stream (GET /flotilla/v1/events: a snapshot, then one JSON line per etcd revision); what the
// stream does not carry (a unit's machine and waiting reason, the engine leader, machine capacity,
// rollouts) is read again when a change that can move it arrives, never on a timer.
'use strict';
(function () {
  const ROW = 28;             // px; fixed, so the unit list can be virtualised
  const CHIPS = 8;            // units shown on a machine card
  const EVENTS = 100;         // recent events kept
  const REFRESH_MS = 300;     // a burst of changes is followed by one re-read

  const $ = (id) => document.getElementById(id);
  const stats = { start: performance.now(), snapshotAt: 0, renderedAt: 0, events: 0, lastEventAt: 0 };
  window.flotillaUi = { stats };

  // ---- state ----
  const machines = new Map();   // id -> machine entity (as the API gives it)
  const units = new Map();      // name -> {name, hash, desiredState, machineID, waiting, global, description}
  const states = new Map();     // unit name -> Map(machine id -> state entity)
  let leader = '';
  let revision = 0;
  let sorted = [];              // unit names, sorted
  let shown = [];               // the names the list shows now (search and filters applied)
  let cursor = -1;              // index in shown of the keyboard cursor
  let detailName = null;
  let onlyMachine = '';
  let rolloutsOn = null;        // null = not asked yet, false = the daemon has none (404)
  let token = sessionStorage.getItem('flotilla-token') || '';

  // ---- HTTP ----
  class Unauthorized extends Error {}
  function headers() {
    const h = { Accept: 'application/json' };
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }
  async function get(path, signal) {
    const res = await fetch(path, { headers: headers(), signal, cache: 'no-store' });
    if (res.status === 401) { askToken(); throw new Unauthorized(); }
    return res;
  }
  async function json(path) {
    const res = await get(path);
    if (!res.ok) throw new Error(path + ': ' + res.status + ' ' + await message(res));
    return res.json();
  }
  async function message(res) {
    try { const b = await res.json(); return (b.error && b.error.message) || JSON.stringify(b); }
    catch (e) { return res.statusText; }
  }

  function askToken() {
    const form = $('token');
    if (!form.hidden) return;
    form.hidden = false;
    $('token-error').textContent = token ? 'that token was refused' : '';
    $('token-input').focus();
  }
  $('token').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('token-input').value.trim();
    sessionStorage.setItem('flotilla-token', token);
    $('token').hidden = true;
    $('token-input').value = '';
    restart();
  });

  // ---- what a unit looks like now ----
  function unitState(name) {
    const u = units.get(name);
    const per = states.get(name);
    let any = '';
    if (per) {
      for (const s of per.values()) {
        const a = s.systemdActiveState || '';
        if (a === 'failed') return 'failed';
        if (a === 'active') any = 'active';
        else if (!any && (a === 'activating' || a === 'reloading' || a === 'deactivating')) any = 'activating';
      }
    }
    if (any) return any;
    if (u && u.waiting) return 'waiting';
    if (u && u.desiredState === 'launched') return 'activating';
    return 'inactive';
  }
  function stateText(name) {
    const per = states.get(name);
    if (per && per.size) {
      const s = per.values().next().value;
      return (s.systemdActiveState || '?') + '/' + (s.systemdSubState || '?') + (per.size > 1 ? ' +' + (per.size - 1) : '');
    }
    const u = units.get(name);
    if (u && u.waiting) return 'waiting';
    return u ? u.desiredState : '';
  }
  // The machines a unit is on: where its states come from, else its assignment.
  function unitMachines(name) {
    const per = states.get(name);
    if (per && per.size) return [...per.keys()];
    const u = units.get(name);
    return u && u.machineID ? [u.machineID] : [];
  }

  // ---- applying the stream ----
  function applySnapshot(s) {
    const old = units;
    machines.clear();
    for (const m of s.machines || []) machines.set(m.id, Object.assign(machines.get(m.id) || {}, m));
    const fresh = new Map();
    for (const u of s.units || []) fresh.set(u.name, Object.assign({}, old.get(u.name), u));
    units.clear();
    for (const [k, v] of fresh) units.set(k, v);
    states.clear();
    for (const st of s.states || []) putState(st);
    resort();
  }
  function putState(st) {
    let per = states.get(st.name);
    if (!per) { per = new Map(); states.set(st.name, per); }
    per.set(st.machineID, st);
  }
  function applyChange(c) {
    if (c.kind === 'unit') {
      if (c.action === 'removed') { units.delete(c.name); resort(); }
      else {
        const isNew = !units.has(c.name);
        units.set(c.name, Object.assign(units.get(c.name) || {}, c.unit));
        if (isNew) resort();
      }
      return c.name;
    }
    if (c.kind === 'machine') {
      if (c.action === 'removed') machines.delete(c.machineID);
      else machines.set(c.machineID, Object.assign(machines.get(c.machineID) || {}, c.machine));
      return true;
    }
    if (c.kind === 'state') {
      if (c.action === 'removed') {
        const per = states.get(c.name);
        if (per) { per.delete(c.machineID); if (!per.size) states.delete(c.name); }
      } else putState(c.state);
      return false;
    }
    return true; // a kind this page does not know (rollouts): re-read what it shows
  }
  function resort() {
    sorted = [...units.keys()].sort();
  }

  function describe(c) {
    if (c.kind === 'state') {
      return c.action === 'removed' ? 'state of ' + c.name + ' on ' + short(c.machineID) + ' removed'
        : c.name + ' on ' + short(c.machineID) + ': ' + c.state.systemdActiveState + '/' + c.state.systemdSubState;
    }
    if (c.kind === 'unit') return 'unit ' + c.name + ' ' + (c.action === 'removed' ? 'removed' : c.unit.desiredState);
    if (c.kind === 'machine') return 'machine ' + short(c.machineID) + ' ' + (c.action === 'removed' ? 'left' : 'is up');
    return c.kind + ' ' + (c.action || '') + ' ' + (c.name || c.id || '');
  }
  const recent = [];
  function note(rev, text) {
    recent.unshift({ rev, text, at: new Date() });
    if (recent.length > EVENTS) recent.length = EVENTS;
    dirty.events = true;
  }

  // ---- the stream ----
  let controller = null;
  let retryMs = 500;
  async function follow() {
    controller = new AbortController();
    const mine = controller;
    try {
      const res = await get('/flotilla/v1/events?since=' + revision, mine.signal);
      if (!res.ok) throw new Error('events: ' + res.status + ' ' + await message(res));
      connection('live', 'live');
      retryMs = 500;
      stats.streamOpenAt = stats.streamOpenAt || performance.now();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) {
            const t = performance.now();
            const ev = JSON.parse(line);
            if (ev.snapshot && !stats.snapshotBytes) { stats.snapshotBytes = line.length; stats.snapshotParseMs = performance.now() - t; }
            handle(ev);
            stats.maxHandleMs = Math.max(stats.maxHandleMs || 0, performance.now() - t);
          }
        }
      }
      throw new Error('the stream ended');
    } catch (e) {
      if (mine.signal.aborted || e instanceof Unauthorized) return;
      connection('reconnecting: ' + e.message, 'down');
      setTimeout(() => { if (controller === mine) follow(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    }
  }
  function handle(ev) {
    stats.events++;
    stats.lastEventAt = performance.now();
    revision = ev.revision;
    if (ev.snapshot) {
      applySnapshot(ev.snapshot);
      if (!stats.snapshotAt) stats.snapshotAt = performance.now();
      note(ev.revision, 'snapshot: ' + units.size + ' units, ' + machines.size + ' machines');
      refreshSoon(null);
    } else {
      for (const c of ev.changes || []) {
        const moved = applyChange(c);
        if (typeof moved === 'string') refreshSoon(moved);
        else if (moved) refreshSoon(null);
        note(ev.revision, describe(c));
      }
    }
    dirty.all();
  }

  // What the stream does not carry: read again after changes that may move it.
  // A few changed units are read by name (cheap for the daemon); many, or a machine change, read
  // the whole listing. A unit the engine had not placed or held yet is read once or twice more,
  // later: its placement or waiting reason is written after the unit itself.
  const FEW = 16;
  let refreshTimer = 0;
  let pendingAll = false;
  const pendingNames = new Set();
  const unsettled = new Map(); // name -> reads left
  function refreshSoon(name, delay) {
    if (name === null) pendingAll = true; else pendingNames.add(name);
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = 0; refresh(); }, delay || REFRESH_MS);
  }
  function settled(u) {
    return !u || u.desiredState === 'inactive' || u.global || u.machineID || u.waiting || states.has(u.name);
  }
  async function refresh() {
    const all = pendingAll || pendingNames.size > FEW;
    const names = [...pendingNames];
    pendingAll = false;
    pendingNames.clear();
    try {
      const query = all ? '' : names.map((n) => '&unit=' + encodeURIComponent(n)).join('');
      const [listing, engine] = await Promise.all([json('/flotilla/v1/units?include=units' + query), json('/flotilla/v1/engine')]);
      leader = engine.leader || '';
      for (const u of listing.units || []) {
        const known = units.get(u.name);
        if (known) Object.assign(known, u);
      }
      if (!all) {
        for (const n of names) {
          const u = units.get(n);
          if (settled(u)) { unsettled.delete(n); continue; }
          const left = unsettled.has(n) ? unsettled.get(n) : 3;
          if (left > 0) { unsettled.set(n, left - 1); setTimeout(() => refreshSoon(n), 1500); } else unsettled.delete(n);
        }
      }
      await machineDetails();
      await rollouts();
      stats.refreshedAt = stats.refreshedAt || performance.now();
      dirty.all();
    } catch (e) {
      if (!(e instanceof Unauthorized)) connection('read failed: ' + e.message, 'down');
    }
  }
  // Capacity and allocation, where the daemon's machine JSON has them.
  async function machineDetails() {
    const res = await get('/flotilla/v1/machines');
    if (!res.ok) return;
    const page = await res.json();
    for (const m of page.machines || []) {
      const known = machines.get(m.id);
      if (known) Object.assign(known, m);
    }
  }
  async function rollouts() {
    if (rolloutsOn === false) return;
    const res = await get('/flotilla/v1/rollouts');
    if (res.status === 404 || res.status === 405) { rolloutsOn = false; $('rollouts-section').hidden = true; return; }
    if (!res.ok) return;
    rolloutsOn = true;
    const body = await res.json();
    renderRollouts(Array.isArray(body) ? body : (body.rollouts || []));
  }

  function connection(text, cls) {
    const el = $('conn');
    el.textContent = text;
    el.className = 'conn ' + (cls || '');
  }

  // ---- rendering: coalesced into one frame ----
  const dirty = {
    machines: false, list: false, events: false, detail: false, frame: 0,
    all() { this.machines = this.list = this.events = this.detail = true; this.schedule(); },
    schedule() { if (!this.frame) this.frame = requestAnimationFrame(render); }
  };
  function render() {
    const t = performance.now();
    renderParts();
    stats.lastRenderMs = performance.now() - t;
    stats.maxRenderMs = Math.max(stats.maxRenderMs || 0, stats.lastRenderMs);
  }
  function renderParts() {
    dirty.frame = 0;
    if (dirty.machines) { dirty.machines = false; renderMachines(); renderHeader(); }
    if (dirty.list) { dirty.list = false; filter(); renderRows(); }
    if (dirty.events) { dirty.events = false; renderEvents(); }
    if (dirty.detail) { dirty.detail = false; renderDetailStates(); }
    if ((stats.snapshotAt || stats.listedAt) && !stats.renderedAt) {
      stats.renderedAt = performance.now();
      performance.mark('flotilla-rendered');
    }
    // Ready once what the stream does not carry (machines of units, waiting reasons, leader) is in too.
    if (stats.renderedAt && stats.refreshedAt && stats.snapshotAt) document.body.dataset.ready = 'true';
  }

  function renderHeader() {
    const count = { active: 0, activating: 0, failed: 0, waiting: 0, inactive: 0 };
    for (const n of sorted) count[unitState(n)]++;
    $('counts').textContent = units.size + ' units: ' + count.active + ' active, ' + count.activating + ' activating, '
      + count.failed + ' failed, ' + count.waiting + ' waiting';
    $('leader').textContent = leader ? 'engine: ' + short(leader) : 'engine: none elected';
    $('machine-count').textContent = '(' + machines.size + ')';
  }

  function short(id) { return id && id.length > 12 ? id.slice(0, 8) + '…' : (id || ''); }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function resources(m) {
    const cap = m.capacity, used = m.allocated || m.allocation;
    if (!cap || typeof cap !== 'object') return null;
    const cpu = cap.cpuMillis ?? cap.cpu, mem = cap.memoryBytes ?? cap.memory;
    if (!(cpu > 0) && !(mem > 0)) return null;
    return { cpu, mem, usedCpu: used ? (used.cpuMillis ?? used.cpu ?? 0) : 0, usedMem: used ? (used.memoryBytes ?? used.memory ?? 0) : 0 };
  }
  function bytes(n) {
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + ' ' + u[i];
  }
  function bar(label, used, total, fmt) {
    const wrap = el('div');
    const pct = total > 0 ? Math.min(100, used / total * 100) : 0;
    wrap.append(el('div', 'cap', label + ' ' + fmt(used) + ' / ' + fmt(total)));
    const b = el('div', 'bar' + (pct >= 100 ? ' full' : ''));
    b.setAttribute('role', 'meter');
    b.setAttribute('aria-label', label);
    b.setAttribute('aria-valuenow', String(Math.round(pct)));
    const fill = el('span');
    fill.style.width = pct + '%';
    b.append(fill);
    wrap.append(b);
    return wrap;
  }

  function renderMachines() {
    const byMachine = new Map();
    for (const n of sorted) {
      for (const m of unitMachines(n)) {
        let list = byMachine.get(m);
        if (!list) { list = []; byMachine.set(m, list); }
        list.push(n);
      }
    }
    const box = $('machines');
    const cards = [];
    for (const id of [...machines.keys()].sort()) {
      const m = machines.get(id);
      const card = el('div', 'machine' + (id === onlyMachine ? ' selected' : ''));
      card.tabIndex = 0;
      card.dataset.machine = id;
      card.setAttribute('role', 'button');
      const list = byMachine.get(id) || [];
      card.setAttribute('aria-label', 'machine ' + id + ', ' + list.length + ' units; Enter shows only its units');
      const head = el('div', 'id', short(id));
      head.title = id;
      if (id === leader) head.append(el('span', 'badge', 'engine'));
      card.append(head, el('div', 'ip', m.primaryIP || 'no address'));
      const meta = Object.entries(m.metadata || {}).map(([k, v]) => k + '=' + v).join(', ');
      if (meta) card.append(el('div', 'meta', meta));
      const r = resources(m);
      if (r) {
        if (r.cpu > 0) card.append(bar('cpu', r.usedCpu / 1000, r.cpu / 1000, (v) => v.toFixed(1)));
        if (r.mem > 0) card.append(bar('memory', r.usedMem, r.mem, bytes));
      }
      const count = { active: 0, activating: 0, failed: 0, waiting: 0, inactive: 0 };
      for (const n of list) count[unitState(n)]++;
      const mix = el('div', 'mix');
      for (const k of Object.keys(count)) {
        if (count[k]) { const s = el('span', 's-' + k); s.style.flex = String(count[k]); mix.append(s); }
      }
      card.append(el('div', 'cap', list.length + ' units' + (count.failed ? ', ' + count.failed + ' failed' : '')), mix);
      const chips = el('div', 'chips');
      const order = list.slice().sort((a, b) => rank(unitState(a)) - rank(unitState(b)));
      for (const n of order.slice(0, CHIPS)) {
        const c = el('span', 'chip s-' + unitState(n), n);
        c.title = n + ': ' + stateText(n);
        chips.append(c);
      }
      if (list.length > CHIPS) chips.append(el('span', 'more', '+' + (list.length - CHIPS) + ' more'));
      card.append(chips);
      cards.push(card);
    }
    box.replaceChildren(...cards);
  }
  function rank(s) { return { failed: 0, waiting: 1, activating: 2, active: 3, inactive: 4 }[s]; }

  function toggleMachine(id) {
    onlyMachine = onlyMachine === id ? '' : id;
    const b = $('machine-filter');
    b.hidden = !onlyMachine;
    b.textContent = 'on ' + short(onlyMachine) + ' ×';
    cursor = -1;
    $('units').scrollTop = 0;
    dirty.machines = dirty.list = true;
    dirty.schedule();
  }
  $('machines').addEventListener('click', (e) => {
    const card = e.target.closest('.machine');
    if (card) toggleMachine(card.dataset.machine);
  });
  $('machines').addEventListener('keydown', (e) => {
    const card = e.target.closest('.machine');
    if (card && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggleMachine(card.dataset.machine); }
  });
  $('machine-filter').addEventListener('click', () => toggleMachine(onlyMachine));

  // ---- the unit list: only the rows on screen exist ----
  function filter() {
    const q = $('search').value.trim().toLowerCase();
    const want = $('state-filter').value;
    if (!q && !want && !onlyMachine) { shown = sorted; }
    else {
      shown = sorted.filter((n) => (!q || n.toLowerCase().includes(q)) && (!want || unitState(n) === want)
        && (!onlyMachine || unitMachines(n).includes(onlyMachine)));
    }
    $('unit-count').textContent = '(' + (shown.length === sorted.length ? sorted.length : shown.length + ' of ' + sorted.length) + ')';
    $('units-spacer').style.height = shown.length * ROW + 'px';
    if (cursor >= shown.length) cursor = shown.length - 1;
  }
  const pool = [];
  function renderRows() {
    const box = $('units');
    const first = Math.max(0, Math.floor(box.scrollTop / ROW) - 5);
    const last = Math.min(shown.length, Math.ceil((box.scrollTop + box.clientHeight) / ROW) + 5);
    let used = 0;
    for (let i = first; i < last; i++) {
      let row = pool[used];
      if (!row) {
        row = el('div', 'row');
        row.setAttribute('role', 'option');
        row.append(el('span', 'name'), el('span', 'st'), el('span', 'mach'));
        pool.push(row);
        box.append(row);
      }
      used++;
      const name = shown[i];
      const s = unitState(name);
      row.hidden = false;
      row.style.top = i * ROW + 'px';
      row.dataset.index = String(i);
      row.dataset.unit = name;
      row.dataset.state = s;
      row.id = 'unit-row-' + i;
      row.className = 'row' + (i === cursor ? ' cursor' : '');
      row.setAttribute('aria-selected', String(i === cursor));
      const [n, st, mach] = row.children;
      n.textContent = name;
      n.title = name;
      st.replaceChildren(el('span', 'dot s-' + s), document.createTextNode(stateText(name)));
      st.className = 'st t-' + s;
      const u = units.get(name);
      st.title = u && u.waiting ? u.waiting : '';
      mach.textContent = unitMachines(name).map(short).join(' ') || (u && u.global ? 'global' : '-');
    }
    for (let i = used; i < pool.length; i++) pool[i].hidden = true;
    if (cursor >= 0) box.setAttribute('aria-activedescendant', 'unit-row-' + cursor);
    else box.removeAttribute('aria-activedescendant');
  }
  let scrollFrame = 0;
  $('units').addEventListener('scroll', () => {
    if (!scrollFrame) scrollFrame = requestAnimationFrame(() => { scrollFrame = 0; renderRows(); });
  }, { passive: true });
  $('units').addEventListener('click', (e) => {
    const row = e.target.closest('.row');
    if (row) { cursor = Number(row.dataset.index); openDetail(row.dataset.unit); renderRows(); }
  });
  $('units').addEventListener('keydown', (e) => {
    const box = $('units');
    const page = Math.max(1, Math.floor(box.clientHeight / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (e.key in moves) {
      e.preventDefault();
      cursor = Math.max(0, Math.min(shown.length - 1, (cursor < 0 ? -1 : cursor) + moves[e.key]));
      if (cursor * ROW < box.scrollTop) box.scrollTop = cursor * ROW;
      else if ((cursor + 1) * ROW > box.scrollTop + box.clientHeight) box.scrollTop = (cursor + 1) * ROW - box.clientHeight;
      renderRows();
    } else if (e.key === 'Enter' && cursor >= 0) {
      e.preventDefault();
      openDetail(shown[cursor]);
    }
  });
  const relist = () => { cursor = -1; $('units').scrollTop = 0; dirty.list = true; dirty.schedule(); };
  $('search').addEventListener('input', relist);
  $('state-filter').addEventListener('change', relist);
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement.tagName !== 'INPUT') { e.preventDefault(); $('search').focus(); }
    if (e.key === 'Escape' && !$('detail').hidden) closeDetail();
  });

  // ---- a unit's detail ----
  async function openDetail(name) {
    detailName = name;
    const d = $('detail');
    d.hidden = false;
    $('detail-title').textContent = name;
    $('detail-facts').replaceChildren();
    $('detail-text').textContent = 'reading…';
    $('detail-journal').textContent = 'reading…';
    renderDetailStates();
    try {
      const u = await json('/flotilla/v1/units/' + encodeURIComponent(name));
      if (detailName !== name) return;
      const facts = [['hash', u.hash], ['desired', u.desiredState], ['current', u.currentState],
        ['machine', u.global ? 'global (every matching machine)' : (u.machineID ? u.machineID + (u.machineIP ? ' (' + u.machineIP + ')' : '') : 'none')],
        ['description', u.description || '-']];
      if (u.waiting) facts.push(['waiting', u.waiting]);
      const dl = $('detail-facts');
      for (const [k, v] of facts) dl.append(el('dt', '', k), el('dd', k === 'waiting' ? 't-waiting' : '', v));
      $('detail-text').textContent = u.text;
    } catch (e) {
      $('detail-text').textContent = 'cannot read the unit: ' + e.message;
    }
    journal(name);
  }
  async function journal(name) {
    try {
      const res = await get('/flotilla/v1/units/' + encodeURIComponent(name) + '/journal?lines=20');
      const text = res.ok ? (await res.text()).replace(/\u0000/g, '') : await message(res);
      if (detailName === name) $('detail-journal').textContent = text || '(no journal lines)';
    } catch (e) {
      if (detailName === name) $('detail-journal').textContent = 'cannot read the journal: ' + e.message;
    }
  }
  function renderDetailStates() {
    if (!detailName) return;
    const box = $('detail-states');
    const per = states.get(detailName);
    if (!units.has(detailName)) { box.textContent = 'the unit was destroyed'; return; }
    if (!per || !per.size) { box.replaceChildren(el('span', 't-' + unitState(detailName), 'no machine reports a state (' + unitState(detailName) + ')')); return; }
    box.replaceChildren(...[...per.values()].map((s) => {
      const line = el('div', 't-' + (s.systemdActiveState === 'active' ? 'active' : s.systemdActiveState === 'failed' ? 'failed' : 'activating'));
      line.textContent = short(s.machineID) + ': ' + s.systemdLoadState + ' / ' + s.systemdActiveState + ' / ' + s.systemdSubState
        + (s.hash ? '  hash ' + s.hash.slice(0, 10) : '');
      line.dataset.state = s.systemdActiveState;
      return line;
    }));
  }
  function closeDetail() { detailName = null; $('detail').hidden = true; $('units').focus(); }
  $('detail-close').addEventListener('click', closeDetail);

  // ---- events and rollouts ----
  function renderEvents() {
    $('events').replaceChildren(...recent.map((r) => el('li', '', r.at.toLocaleTimeString() + '  #' + r.rev + '  ' + r.text)));
  }
  function renderRollouts(list) {
    const box = $('rollouts');
    $('rollouts-section').hidden = false;
    if (!list.length) { box.replaceChildren(el('div', 'muted', 'no rollouts')); return; }
    box.replaceChildren(...list.map((r) => {
      const div = el('div', 'rollout');
      // RolloutView: a phase and its units' steps; a unit is through once healthy (or reverted).
      const units = r.units || [];
      const total = units.length;
      const done = units.filter((u) => u.step === 'healthy' || u.step === 'reverted').length;
      div.append(el('div', '', (r.id || '') + ' ' + (r.phase || '') + (total ? ' ' + done + '/' + total : '')
        + (r.reason ? ' — ' + r.reason : '')));
      const p = el('div', 'progress');
      const f = el('span');
      f.style.width = (total ? Math.min(100, done / total * 100) : 0) + '%';
      p.append(f);
      div.append(p);
      return div;
    }));
  }

  // The first picture comes from the listing, which the daemon answers sooner than the stream's
  // snapshot (it need not open a watch): with 10,000 units, about 0.5 s against 2-4 s. The
  // snapshot then replaces it; a listing that arrives after the snapshot only adds its fields.
  async function preload() {
    try {
      const [listing, page, engine] = await Promise.all([json('/flotilla/v1/units'), json('/flotilla/v1/machines'),
        json('/flotilla/v1/engine')]);
      leader = engine.leader || '';
      if (!stats.snapshotAt) {
        for (const m of page.machines || []) machines.set(m.id, m);
        for (const u of listing.units || []) units.set(u.name, u);
        for (const st of listing.states || []) putState(st);
        resort();
        stats.listedAt = performance.now();
      } else {
        for (const u of listing.units || []) { const k = units.get(u.name); if (k) Object.assign(k, u); }
      }
      stats.refreshedAt = stats.refreshedAt || performance.now();
      dirty.all();
    } catch (e) {
      if (!(e instanceof Unauthorized)) connection('read failed: ' + e.message, 'down');
    }
  }

  function restart() {
    if (controller) controller.abort();
    controller = null;
    revision = 0;
    connection('connecting');
    preload();
    follow();
  }
  restart();
})();
