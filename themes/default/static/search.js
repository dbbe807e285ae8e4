// 《代表工作》站内全文检索：在静态网站上运行，按需读取 search/ 下的索引文件。
// The same steps as src/search (reader.rs, postings.rs, engine.rs,
// snippet.rs, normalize.rs, codec.rs): keep them in step; tests/search.rs
// compares this script with the command line and the server result by
// result. The files are plain binary codes: no decompressor is needed.
(function () {
  'use strict';

  var script = document.currentScript;
  var INDEX = (script && script.getAttribute('data-index')) || '/search/';
  var VERSION = 3, MAX_QUERY_CHARS = 1000, MAX_TERMS = 32, RELATED_LIMIT = 20;
  var BEFORE = 20, LENGTH = 80, BREAK = 0x110000, RICE_ESCAPE = 16, MAX_CODE_BITS = 24;

  function Corrupt(what) { return new SearchError('检索索引已损坏（' + what + '）：请重新构建网站'); }
  function SearchError(message) { this.message = message; }

  // ---- normalisation (normalize.rs) ----
  var WHITE = /[\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;
  function fold(ch) {
    var cp = ch.codePointAt(0);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp >= 0x41 && cp <= 0x5A) cp += 0x20;
    return String.fromCodePoint(cp);
  }
  function isBreak(ch) { return WHITE.test(ch); }
  function queryTerms(query) {
    var terms = [], current = [], seen = new Set();
    function flush() {
      if (current.length) {
        var key = current.join('');
        if (!seen.has(key)) { seen.add(key); terms.push(current); }
        current = [];
      }
    }
    Array.from(query).forEach(function (ch) {
      var f = fold(ch);
      if (isBreak(f)) flush(); else current.push(f);
    });
    flush();
    return terms;
  }

  // ---- codes (codec.rs) ----
  function Bytes(b, at) { this.b = b; this.at = at || 0; }
  Bytes.prototype.varint = function () {
    var value = 0, scale = 1, byte;
    do {
      if (this.at >= this.b.length) throw Corrupt('数据提前结束');
      byte = this.b[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    return value;
  };
  Bytes.prototype.take = function (n) {
    if (this.at + n > this.b.length) throw Corrupt('数据提前结束');
    var slice = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return slice;
  };
  function Bits(b) { this.b = b; this.at = 0; }
  Bits.prototype.bit = function () {
    var byte = this.b[this.at >>> 3];
    if (byte === undefined) throw Corrupt('位数据提前结束');
    var bit = (byte >>> (this.at & 7)) & 1;
    this.at++;
    return bit;
  };
  Bits.prototype.bits = function (n) {
    var value = 0, scale = 1;
    for (var i = 0; i < n; i++) { if (this.bit()) value += scale; scale *= 2; }
    return value;
  };
  Bits.prototype.unary = function (limit) {
    var n = 0;
    while (n < limit && this.bit() === 1) n++;
    return n;
  };
  Bits.prototype.rice = function (k) {
    var q = this.unary(RICE_ESCAPE);
    if (q < RICE_ESCAPE) return q * Math.pow(2, k) + this.bits(k);
    return this.bits(this.bits(5) + 1);
  };
  Bits.prototype.gamma = function () {
    var top = this.unary(32);
    if (top >= 32) throw Corrupt('数值过长');
    return Math.pow(2, top) + this.bits(top);
  };
  // Canonical Huffman codes, decoded by counting codes per length.
  function Decoder(lengths) {
    if (lengths.length === 1) { this.only = 0; return; }
    this.only = null;
    this.counts = new Array(MAX_CODE_BITS + 1).fill(0);
    var order = [];
    for (var s = 0; s < lengths.length; s++) {
      if (lengths[s] < 1 || lengths[s] > MAX_CODE_BITS) throw Corrupt('编码长度');
      this.counts[lengths[s]]++;
      order.push(s);
    }
    order.sort(function (a, b) { return lengths[a] - lengths[b] || a - b; });
    this.symbols = order;
  }
  Decoder.prototype.decode = function (bits) {
    if (this.only !== null) return this.only;
    var code = 0, first = 0, index = 0;
    for (var length = 1; length <= MAX_CODE_BITS; length++) {
      code |= bits.bit();
      var count = this.counts[length];
      if (code - first < count) return this.symbols[index + code - first];
      index += count;
      first = (first + count) * 2;
      code *= 2;
    }
    throw Corrupt('无效编码');
  };
  function readAlphabet(bytes) {
    var n = bytes.varint(), symbols = new Array(n), previous = 0;
    if (!n) throw Corrupt('字符表');
    for (var i = 0; i < n; i++) {
      var gap = bytes.varint();
      symbols[i] = i === 0 ? gap : previous + gap + 1;
      previous = symbols[i];
    }
    var lengths = n > 1 ? Array.from(bytes.take(n)) : [0];
    return { symbols: symbols, decoder: new Decoder(lengths) };
  }
  function fnv1a(key) {
    var bytes = new TextEncoder().encode(key), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  // ---- fetching pieces of the index (reader.rs) ----
  var cache = new Map();
  function once(key, make) {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key);
  }
  function fetchOk(path) {
    return fetch(INDEX + path).then(function (r) {
      if (!r.ok) throw new SearchError('无法读取检索索引文件 ' + path + '（' + r.status + '）');
      return r;
    }, function () {
      throw new SearchError('无法读取检索索引文件 ' + path + '：请检查网络后再试');
    });
  }
  function fetchBytes(path) {
    return once(path, function () {
      return fetchOk(path).then(function (r) { return r.arrayBuffer(); })
        .then(function (b) { return new Uint8Array(b); });
    });
  }
  function fetchJson(path) {
    return once(path, function () { return fetchOk(path).then(function (r) { return r.json(); }); });
  }
  function meta() {
    return once('#meta', function () {
      return fetchJson('meta.json').then(function (m) {
        if (m.version !== VERSION) throw new SearchError('检索索引版本不符，请重新构建网站');
        var chars = Array.from(m.chars);
        var lengths = Array.from(m.lengths).map(function (c) { return c.charCodeAt(0) - 64; });
        if (chars.length !== lengths.length || !chars.length) throw Corrupt('字符表');
        m.textCode = { chars: chars, decoder: new Decoder(lengths) };
        m.soloSets = {};
        Object.keys(m.solo).forEach(function (kind) { m.soloSets[kind] = new Set(m.solo[kind]); });
        m.phraseSet = new Set(m.phrases);
        return m;
      });
    });
  }
  var decoder = new TextDecoder();
  function hex(key) {
    return Array.from(new TextEncoder().encode(key)).map(function (b) {
      return (b < 16 ? '0' : '') + b.toString(16);
    }).join('');
  }
  function shard(kind, number) {
    return once('#' + kind + number, function () {
      return fetchBytes(kind + '/' + number + '.bin').then(function (raw) {
        var bytes = new Bytes(raw), map = new Map();
        while (bytes.at < raw.length) {
          var key = decoder.decode(bytes.take(bytes.varint()));
          map.set(key, bytes.take(bytes.varint()));
        }
        return map;
      });
    });
  }
  // A key's payload, or null when the key is nowhere: a large one is in a
  // file of its own (meta.json lists them), the others in hashed shards.
  function lookup(m, kind, key) {
    if (m.soloSets[kind] && m.soloSets[kind].has(key)) return fetchBytes(kind + '/x' + hex(key) + '.bin');
    if (kind === 'p' && !m.phraseSet.has(key)) return Promise.resolve(null);
    var count = m.shards[kind] || 0;
    if (!count) return Promise.resolve(null);
    return shard(kind, fnv1a(key) % count).then(function (map) { return map.get(key) || null; });
  }
  function lengthRoots(m) {
    return once('#rank', function () {
      if (!m.docs) return Promise.resolve([]);
      return fetchBytes('rank.bin').then(function (raw) { return decodeContexts(raw, m.docs); });
    });
  }

  // ---- payloads (postings.rs) ----
  function decodeDocList(payload) {
    var bytes = new Bytes(payload), n = bytes.varint();
    var bits = new Bits(payload.subarray(bytes.at));
    var kg = bits.bits(5), kc = bits.bits(5), kz = bits.bits(5);
    var docs = new Array(n), counts = new Array(n), zones = new Array(n).fill(0), doc = -1, i;
    for (i = 0; i < n; i++) { doc += bits.rice(kg) + 1; docs[i] = doc; }
    for (i = 0; i < n; i++) counts[i] = bits.rice(kc) + 1;
    var zoned = bits.rice(4), at = -1;
    for (i = 0; i < zoned; i++) {
      at += bits.rice(kz) + 1;
      if (at >= n) throw Corrupt('标题区');
      zones[at] = bits.gamma();
    }
    return { docs: docs, counts: counts, zones: zones };
  }
  function decodePair(payload) {
    var bytes = new Bytes(payload);
    var left = bytes.varint(), right = bytes.varint();
    return { left: left, right: right, list: decodeDocList(payload.subarray(bytes.at)) };
  }
  function decodeContexts(payload, n) {
    var bytes = new Bytes(payload), alphabet = readAlphabet(bytes);
    var bits = new Bits(payload.subarray(bytes.at)), out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = alphabet.symbols[alphabet.decoder.decode(bits)];
    return out;
  }
  function decodeDocs(payload) {
    var out = [];
    if (!payload) return out;
    var bytes = new Bytes(payload), n = bytes.varint();
    var bits = new Bits(payload.subarray(bytes.at)), k = bits.bits(5), doc = -1;
    for (var i = 0; i < n; i++) { doc += bits.rice(k) + 1; out.push(doc); }
    return out;
  }
  function matchesOf(list) {
    var out = new Array(list.docs.length);
    for (var i = 0; i < out.length; i++) {
      out[i] = { doc: list.docs[i], count: list.counts[i], inZone: list.zones[i] > 0 };
    }
    return out;
  }
  function sum(list) {
    var total = 0;
    for (var i = 0; i < list.counts.length; i++) total += list.counts[i];
    return total;
  }

  // A term of three or more characters, from the pairs' contexts
  // (postings.rs match_term): `chain` holds the pairs used, each
  // {list, left, right}; `plan` is 'right' (pair 0 then t[2]), 'left'
  // (pair 1 after t[0]) or 'middle' (pairs 1..n-3, both contexts).
  function matchChain(t, plan, chain) {
    var n = t.length, first = plan === 'right' ? 0 : 1, out = [];
    var cursors = chain.map(function () { return 0; }), offsets = chain.map(function () { return 0; });
    var lead = chain[0].list;
    docs: for (var d = 0; d < lead.docs.length; d++) {
      var doc = lead.docs[d];
      for (var k = 1; k < chain.length; k++) {
        var list = chain[k].list;
        while (cursors[k] < list.docs.length && list.docs[cursors[k]] < doc) {
          offsets[k] += list.counts[cursors[k]];
          cursors[k]++;
        }
        if (cursors[k] >= list.docs.length || list.docs[cursors[k]] !== doc) {
          offsets[0] += lead.counts[d];
          continue docs;
        }
      }
      cursors[0] = d;
      var alive = [], i, start = offsets[0], end = start + lead.counts[d];
      if (plan === 'right') for (i = start; i < end; i++) alive.push(chain[0].right[i] === t[2]);
      else for (i = start; i < end; i++) alive.push(chain[0].left[i] === t[0]);
      if (plan === 'middle') {
        for (k = 0; k < chain.length; k++) {
          var pairIndex = first + k, from = offsets[k], right = chain[k].right;
          if (k + 1 === chain.length) {
            for (i = 0; i < alive.length; i++) alive[i] = alive[i] && right[from + i] === t[n - 1];
            break;
          }
          var carried = [];
          for (i = 0; i < alive.length; i++) if (right[from + i] === t[pairIndex + 2]) carried.push(alive[i]);
          var next = chain[k + 1], nextFrom = offsets[k + 1];
          var nextCount = next.list.counts[cursors[k + 1]], taken = 0;
          alive = [];
          for (i = 0; i < nextCount; i++) {
            if (next.left[nextFrom + i] === t[pairIndex]) {
              if (taken >= carried.length) throw Corrupt('上下文不一致');
              alive.push(carried[taken++]);
            } else {
              alive.push(false);
            }
          }
          if (taken !== carried.length) throw Corrupt('上下文不一致');
        }
      }
      var last = chain[chain.length - 1].list, zone = last.zones[cursors[chain.length - 1]];
      var count = 0, inZone = false;
      for (i = 0; i < alive.length; i++) {
        if (alive[i]) { count++; if (i < zone) inZone = true; }
      }
      if (count > 0) out.push({ doc: doc, count: count, inZone: inZone });
      offsets[0] += lead.counts[d];
    }
    return out;
  }
  function pairEntry(m, a, b) {
    return lookup(m, 'b', a + b).then(function (p) { return p ? decodePair(p) : null; });
  }
  function contexts(m, kind, a, b, n) {
    return lookup(m, kind, a + b).then(function (p) {
      if (!p) throw new SearchError('检索索引不完整（缺少 ' + kind + '/' + a + b + '）：请重新构建网站');
      return decodeContexts(p, n);
    });
  }
  // The documents containing a folded term (reader.rs match_term).
  function termMatches(m, term) {
    if (term.length === 1) {
      return lookup(m, 'u', term[0]).then(function (p) { return p ? matchesOf(decodeDocList(p)) : []; });
    }
    if (term.length === 2) {
      return pairEntry(m, term[0], term[1]).then(function (e) { return e ? matchesOf(e.list) : []; });
    }
    var t = term.map(function (c) { return c.codePointAt(0); }), n = term.length;
    return lookup(m, 'p', term.join('')).then(function (phrase) {
      if (phrase) return matchesOf(decodeDocList(phrase));
      var wanted = [];
      if (n === 3) wanted = [0, 1];
      else for (var i = 1; i <= n - 3; i++) wanted.push(i);
      return Promise.all(wanted.map(function (i) { return pairEntry(m, term[i], term[i + 1]); })).then(function (entries) {
        if (entries.some(function (e) { return !e; })) return [];
        var plan = 'middle', chain;
        if (n === 3) {
          plan = entries[0].right <= entries[1].left ? 'right' : 'left';
          chain = [{ index: plan === 'right' ? 0 : 1, entry: plan === 'right' ? entries[0] : entries[1] }];
        } else {
          chain = entries.map(function (e, k) { return { index: wanted[k], entry: e }; });
        }
        return Promise.all(chain.map(function (c) {
          var a = term[c.index], b = term[c.index + 1], total = sum(c.entry.list);
          return Promise.all([
            plan === 'right' ? null : contexts(m, 'l', a, b, total),
            plan === 'left' ? null : contexts(m, 'r', a, b, total)
          ]).then(function (both) { return { list: c.entry.list, left: both[0], right: both[1] }; });
        })).then(function (pairs) { return matchChain(t, plan, pairs); });
      });
    });
  }

  // ---- ranking (engine.rs) ----
  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
  function tfNorm(count, length, average, m) {
    return count * (m.k1 + 1) / (count + m.k1 * (1 - m.b + m.b * length / average));
  }
  function scoreKey(score) { return Math.round(score * 1e6); }
  function keywordDocs(m, word) {
    return lookup(m, 'k', word).then(decodeDocs);
  }

  function filtersOf(options) {
    var f = options || {};
    var yearFrom = f.yearFrom || f.year_from || null, yearTo = f.yearTo || f.year_to || null;
    if (f.year) { yearFrom = f.year; yearTo = f.year; }
    var place = String(f.place || f.county || f.prefecture || '').trim() || null;
    var series = f.series ? String(f.series).trim() || null : null;
    return { yearFrom: yearFrom ? +yearFrom : null, yearTo: yearTo ? +yearTo : null, place: place, series: series };
  }
  // Documents passing the filters, as a table by id; null with no filter.
  function allowedDocs(m, f) {
    if (!f.yearFrom && !f.yearTo && !f.place && !f.series) return Promise.resolve(null);
    return Promise.all([fetchBytes('facets.bin'), fetchJson('filters.json')]).then(function (parts) {
      var bits = new Bits(parts[0]), names = parts[1], widths = m.facet_bits;
      var places = names.places.map(function (p) {
        return !f.place || p.full === f.place || p.name === f.place || p.prefecture === f.place;
      });
      var series = f.series ? names.series.indexOf(f.series) : null;
      var allowed = new Array(m.docs);
      for (var doc = 0; doc < m.docs; doc++) {
        var year = m.years[bits.bits(widths[0])], place = bits.bits(widths[1]), se = bits.bits(widths[2]);
        allowed[doc] = (!f.yearFrom || year >= f.yearFrom) && (!f.yearTo || year <= f.yearTo) &&
          places[place] === true && (series === null || (series >= 0 && se === series + 1));
      }
      return allowed;
    });
  }

  // ---- texts and snippets (files.rs, snippet.rs) ----
  function textBlock(m, block) {
    return once('#text' + block, function () {
      return fetchBytes('text/' + block + '.bin').then(function (raw) {
        var bytes = new Bytes(raw), docs = [], code = m.textCode;
        while (bytes.at < raw.length) {
          var bodyStart = bytes.varint(), lengths = [];
          for (var f = 0; f < 6; f++) lengths.push(bytes.varint());
          var bits = new Bits(bytes.take(bytes.varint())), fields = [];
          lengths.forEach(function (length) {
            var field = [];
            for (var i = 0; i < length; i++) {
              var ch = code.chars[code.decoder.decode(bits)];
              if (ch === undefined) throw Corrupt('字符');
              field.push(ch);
            }
            fields.push(field);
          });
          docs.push({ path: fields[0].join(''), url: fields[1].join(''), issue: fields[2].join(''),
            date: fields[3].join(''), county: fields[4].join(''), text: fields[5], bodyStart: bodyStart });
        }
        return docs;
      });
    });
  }
  function endsSentence(c) { return c === '。' || c === '！' || c === '？' || c === '；' || c === '\n'; }
  function makeSnippet(chars, terms) {
    var folded = chars.map(fold);
    function at(i, t) {
      if (i + t.length > folded.length) return false;
      for (var j = 0; j < t.length; j++) if (folded[i + j] !== t[j]) return false;
      return true;
    }
    var found = [], i, k;
    for (i = 0; i < folded.length; i++) {
      for (k = 0; k < terms.length; k++) if (terms[k].length && at(i, terms[k])) found.push([i, k]);
    }
    var reach = LENGTH - BEFORE, best = null, bestDistinct = -1;
    for (var s = 0; s < found.length; s++) {
      var position = found[s][0], seen = new Set();
      for (var o = s; o < found.length; o++) {
        var p = found[o][0], len = terms[found[o][1]].length;
        if (p + len > position + reach) { if (p >= position + reach) break; continue; }
        seen.add(found[o][1]);
      }
      if (seen.size > bestDistinct) { best = position; bestDistinct = seen.size; }
    }
    var start = 0;
    if (best !== null && best > BEFORE) {
      start = best - BEFORE;
      for (i = best - 1; i >= best - BEFORE; i--) if (endsSentence(chars[i - 1])) { start = i; break; }
    }
    var end = Math.min(start + LENGTH, chars.length), out = [], spans = [];
    if (start > 0) out.push('…');
    i = start;
    while (i < end) {
      var longest = 0;
      for (k = 0; k < terms.length; k++) {
        var t = terms[k];
        if (t.length && i + t.length <= end && t.length > longest && at(i, t)) longest = t.length;
      }
      var take = longest || 1;
      if (longest) spans.push([out.length, out.length + take]);
      for (var j = i; j < i + take; j++) {
        var c = chars[j];
        out.push(c === '\n' || c === '\r' || c === '\t' ? ' ' : c);
      }
      i += take;
    }
    if (end < chars.length) out.push('…');
    return { snippet: out.join(''), highlights: spans };
  }
  function hit(m, doc, terms) {
    var block = Math.floor(doc / m.text_block);
    return textBlock(m, block).then(function (docs) {
      var d = docs[doc - block * m.text_block];
      if (!d) throw new SearchError('检索索引不完整：请重新构建网站');
      var title = [];
      for (var i = 0; i < d.text.length && d.text[i] !== '\n'; i++) title.push(d.text[i]);
      var s = makeSnippet(d.text.slice(d.bodyStart), terms);
      return { path: d.path, url: d.url, title: title.join(''), issue: d.issue, date: d.date,
        county: d.county, snippet: s.snippet, highlights: s.highlights };
    });
  }

  function related(m, terms, allowed) {
    var words = [];
    terms.forEach(function (term) {
      for (var s = 0; s < term.length; s++) {
        for (var e = s + 2; e <= Math.min(s + 6, term.length); e++) {
          var w = term.slice(s, e).join('');
          if (words.indexOf(w) < 0) words.push(w);
        }
      }
    });
    return Promise.all(words.map(function (w) { return keywordDocs(m, w); })).then(function (lists) {
      var scores = new Map();
      lists.forEach(function (list) {
        if (!list.length) return;
        var weight = idf(m.docs, list.length);
        list.forEach(function (doc) {
          if (allowed && !allowed[doc]) return;
          scores.set(doc, (scores.get(doc) || 0) + weight);
        });
      });
      var ranked = Array.from(scores.entries()).map(function (e) { return [scoreKey(e[1]), e[0]]; });
      ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1]; });
      return Promise.all(ranked.slice(0, RELATED_LIMIT).map(function (e) { return hit(m, e[1], []); }));
    });
  }

  // Evaluates a query: options {limit, offset, year_from, year_to, year,
  // place (or county, prefecture), series}. Resolves to {total, hits,
  // related[, message]}, each hit with its snippet and highlight spans.
  function search(query, options) {
    options = options || {};
    var limit = options.limit === undefined ? 10 : options.limit, offset = options.offset || 0;
    var empty = function (message) {
      var r = { total: 0, hits: [], related: [] };
      if (message) r.message = message;
      return Promise.resolve(r);
    };
    query = String(query === undefined || query === null ? '' : query);
    if (Array.from(query).length > MAX_QUERY_CHARS) return empty('查询太长：最多 ' + MAX_QUERY_CHARS + ' 个字');
    var terms = queryTerms(query);
    if (!terms.length) return empty(null);
    if (terms.length > MAX_TERMS) return empty('查询词太多：最多 ' + MAX_TERMS + ' 个');
    return meta().then(function (m) {
      return Promise.all([
        allowedDocs(m, filtersOf(options)),
        Promise.all(terms.map(function (t) { return termMatches(m, t); })),
        Promise.all(terms.map(function (t) { return keywordDocs(m, t.join('')); })),
        lengthRoots(m)
      ]).then(function (parts) {
        var allowed = parts[0], matches = parts[1], keywordSets = parts[2].map(function (l) { return new Set(l); });
        var roots = parts[3];
        if (matches.some(function (l) { return !l.length; })) {
          return related(m, terms, allowed).then(function (rel) { return { total: 0, hits: [], related: rel }; });
        }
        var order = terms.map(function (_, i) { return i; }).sort(function (a, b) { return matches[a].length - matches[b].length; });
        var lookups = matches.map(function (list) { var map = new Map(); list.forEach(function (o) { map.set(o.doc, o); }); return map; });
        var candidates = matches[order[0]].map(function (o) { return o.doc; });
        order.slice(1).forEach(function (i) { candidates = candidates.filter(function (d) { return lookups[i].has(d); }); });
        if (allowed) candidates = candidates.filter(function (d) { return allowed[d]; });
        candidates = candidates.filter(function (d) { return d < roots.length; });
        var idfs = matches.map(function (l) { return idf(m.docs, l.length); });
        var ranked = candidates.map(function (doc) {
          var root = roots[doc], length = root * root, tier = 0, score = 0;
          lookups.forEach(function (l, t) {
            var o = l.get(doc);
            if (o.inZone) tier += 1;
            score += idfs[t] * (tfNorm(o.count, length, m.average_length, m) + (keywordSets[t].has(doc) ? 1 : 0));
          });
          return [tier, scoreKey(score), doc];
        });
        ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] || b[2] - a[2]; });
        var page = ranked.slice(offset, offset + limit);
        return Promise.all(page.map(function (e) { return hit(m, e[2], terms); })).then(function (hits) {
          if (ranked.length) return { total: ranked.length, hits: hits, related: [] };
          return related(m, terms, allowed).then(function (rel) { return { total: 0, hits: [], related: rel }; });
        });
      });
    });
  }
  window.jianbaoSearch = search;

  // ---- the search page ----
  var form = document.getElementById('search-page-form');
  if (!form) return;
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var pager = document.getElementById('search-pager');
  function done(state) { document.body.setAttribute('data-search-done', state); }
  // The form is hidden in the page: without this script it could not work.
  form.hidden = false;
  if (location.protocol === 'file:') {
    // Browsers refuse to read the index from a file: say what to do.
    status.textContent =
      '全文检索需要通过网页服务器打开本网站（网址以 http:// 或 https:// 开头）；从文件夹直接打开时，请按各期、县区、关键词等栏目浏览。';
    done('error');
    return;
  }
  // Hits link relative to the site's root (the index's parent folder), so
  // a site built with relative links searches wherever it is served.
  var ROOT = new URL(INDEX + '../', location.href);
  function hitAddress(url) { var u = new URL(url, ROOT); return u.pathname + u.search + u.hash; }
  var params = new URLSearchParams(location.search);
  var PAGE = 10;
  var q = params.get('q') || '';
  var page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  var options = { limit: PAGE, offset: (page - 1) * PAGE };
  ['year_from', 'year_to', 'place', 'series'].forEach(function (name) {
    var value = params.get(name);
    var field = form.elements[name];
    if (field && value) field.value = value;
    if (value) options[name] = value;
  });
  form.elements.q.value = q;
  function escapeChar(ch) {
    switch (ch) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&#39;';
      default: return ch;
    }
  }
  function escape(text) { return Array.from(text).map(escapeChar).join(''); }
  function snippetHtml(snippet, spans) {
    var chars = Array.from(snippet), out = '', s = 0;
    for (var i = 0; i < chars.length; i++) {
      if (s < spans.length && spans[s][0] === i) out += '<mark>';
      out += escapeChar(chars[i]);
      if (s < spans.length && spans[s][1] === i + 1) { out += '</mark>'; s++; }
    }
    return out;
  }
  function item(h) {
    var li = document.createElement('li');
    li.setAttribute('data-path', h.path);
    li.innerHTML = '<a href="' + escape(hitAddress(h.url)) + '">' + escape(h.title) +
      '</a><small>' + escape(h.issue + ' · ' + h.date + ' · ' + h.county) +
      '</small><p class="snippet">' + snippetHtml(h.snippet, h.highlights) + '</p>';
    return li;
  }
  if (!q.trim()) { status.textContent = '请输入要搜索的词语；多个词语用空格隔开。'; return; }
  status.textContent = '正在搜索……';
  var started = performance.now();
  search(q, options).then(function (result) {
    list.innerHTML = '';
    if (result.message) { status.textContent = result.message; done('1'); return; }
    var ms = Math.round(performance.now() - started);
    if (result.total && result.hits.length) {
      status.textContent = '共找到 ' + result.total + ' 篇报告（第 ' + (options.offset + 1) + '–' +
        Math.min(options.offset + PAGE, result.total) + ' 篇，用时 ' + ms + ' 毫秒）';
      result.hits.forEach(function (h) { list.appendChild(item(h)); });
    } else if (result.total) {
      status.textContent = '共找到 ' + result.total + ' 篇报告；这一页已超出结果范围。';
    } else {
      status.textContent = '没有找到同时包含这些词语的报告。';
      if (result.related.length) {
        var heading = document.createElement('li');
        heading.className = 'related-heading';
        heading.textContent = '相关结果（按词语相关，不一定包含全部查询词）：';
        list.appendChild(heading);
        result.related.forEach(function (h) { var li = item(h); li.className = 'related'; list.appendChild(li); });
      }
    }
    var pages = Math.ceil(result.total / PAGE);
    pager.innerHTML = '';
    function link(n, label) {
      var p = new URLSearchParams(location.search);
      p.set('page', n);
      var a = document.createElement('a');
      a.href = '?' + p.toString();
      a.textContent = label;
      pager.appendChild(a);
    }
    if (page > 1 && pages) link(Math.min(page - 1, pages), '← 上一页');
    if (page < pages) link(page + 1, '下一页 →');
    document.body.setAttribute('data-search-ms', String(Math.round(performance.now())));
    done('1');
  }).catch(function (err) {
    status.textContent = '搜索出错：' + (err instanceof SearchError ? err.message : '检索未能完成，请刷新页面再试');
    done('error');
  });
})();
