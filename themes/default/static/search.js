// 《代表工作》站内全文检索：在静态网站上运行，按需分片读取 search/ 下的索引。
// Same algorithm as src/search/engine.rs, snippet.rs and normalize.rs:
// keep them in step (tests compare the three front ends result by result).
(function () {
  'use strict';

  var script = document.currentScript;
  var INDEX = (script && script.getAttribute('data-index')) || '/search/';
  var MAX_QUERY_CHARS = 1000, MAX_TERMS = 32, RELATED_LIMIT = 20, BEFORE = 20, LENGTH = 80;
  var cache = new Map();

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

  // ---- fetching pieces of the index ----
  function gunzip(buffer) {
    var bytes = new Uint8Array(buffer);
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(bytes);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }
  function fetchBytes(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(INDEX + path).then(function (r) {
        if (!r.ok) throw new Error('无法读取检索索引：' + path + '（' + r.status + '）');
        return r.arrayBuffer();
      }).then(gunzip));
    }
    return cache.get(path);
  }
  var decoder = new TextDecoder();
  function meta() {
    if (!cache.has('meta')) {
      cache.set('meta', fetch(INDEX + 'meta.json').then(function (r) {
        if (!r.ok) throw new Error('找不到检索索引（search/meta.json）');
        return r.json();
      }).then(function (m) {
        if (m.version !== 2) throw new Error('检索索引版本不符，请重新构建网站');
        return m;
      }));
    }
    return cache.get('meta');
  }
  function Reader(bytes) { this.b = bytes; this.at = 0; }
  Reader.prototype.varint = function () {
    var value = 0, scale = 1, byte;
    do {
      if (this.at >= this.b.length) throw new Error('检索索引已损坏');
      byte = this.b[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    return value;
  };
  function shardOf(key, shards) {
    var bytes = new TextEncoder().encode(key), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % Math.max(shards, 1);
  }
  var parsedShards = new Map();
  function lookup(kind, key) {
    return meta().then(function (m) {
      var shards = m.shards[kind] || 0;
      if (!shards) return null;
      var path = kind + '/' + shardOf(key, shards) + '.bin';
      if (!parsedShards.has(path)) {
        parsedShards.set(path, fetchBytes(path).then(function (bytes) {
          var reader = new Reader(bytes), map = new Map();
          while (reader.at < bytes.length) {
            var keyLength = reader.varint();
            var k = decoder.decode(bytes.subarray(reader.at, reader.at + keyLength));
            reader.at += keyLength;
            var length = reader.varint();
            map.set(k, bytes.subarray(reader.at, reader.at + length));
            reader.at += length;
          }
          return map;
        }));
      }
      return parsedShards.get(path).then(function (map) { return map.get(key) || null; });
    });
  }
  function decodeOccurrences(payload) {
    var out = [];
    if (!payload) return out;
    var r = new Reader(payload), n = r.varint(), doc = 0;
    for (var i = 0; i < n; i++) {
      doc += r.varint();
      var packed = r.varint();
      out.push({ doc: doc, count: Math.floor(packed / 2), inZone: packed % 2 === 1, best: r.varint() });
    }
    return out;
  }
  function decodePositions(payload) {
    var out = [], r = new Reader(payload), n = r.varint(), doc = 0;
    for (var i = 0; i < n; i++) {
      doc += r.varint();
      var count = r.varint(), positions = new Array(count), p = 0;
      for (var j = 0; j < count; j++) { p += r.varint(); positions[j] = p; }
      out.push({ doc: doc, positions: positions });
    }
    return out;
  }
  function decodeDocs(payload) {
    var out = [];
    if (!payload) return out;
    var r = new Reader(payload), n = r.varint(), doc = 0;
    for (var i = 0; i < n; i++) { doc += r.varint(); out.push(doc); }
    return out;
  }
  function rankInfo() {
    return fetchBytes('rank.bin');
  }

  // ---- matching one term (engine.rs term_matches) ----
  function coverOffsets(length) {
    if (length < 2) return [];
    var offsets = [];
    for (var o = 0; o <= length - 2; o += 2) offsets.push(o);
    if (offsets[offsets.length - 1] !== length - 2) offsets.push(length - 2);
    return offsets;
  }
  function occurrences(doc, positions, zoneEnd) {
    var best = positions[0];
    for (var i = 0; i < positions.length; i++) if (positions[i] >= zoneEnd) { best = positions[i]; break; }
    return { doc: doc, count: positions.length, inZone: positions[0] < zoneEnd, best: best };
  }
  function bsearch(list, value) {
    var lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] === value) return true;
      if (list[mid] < value) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }
  function termMatches(term, rank) {
    if (term.length === 1) return lookup('u', term[0]).then(decodeOccurrences);
    var key = term.join('');
    return lookup('p', key).then(function (phrase) {
      if (phrase) return decodeOccurrences(phrase);
      var offsets = coverOffsets(term.length);
      return Promise.all(offsets.map(function (o) { return lookup('b', term[o] + term[o + 1]); })).then(function (payloads) {
        if (payloads.some(function (p) { return !p; })) return [];
        var postings = payloads.map(decodePositions), cursors = offsets.map(function () { return 0; }), out = [];
        postings[0].forEach(function (entry) {
          var lists = [];
          for (var k = 1; k < postings.length; k++) {
            var list = postings[k];
            while (cursors[k] < list.length && list[cursors[k]].doc < entry.doc) cursors[k]++;
            if (cursors[k] >= list.length || list[cursors[k]].doc !== entry.doc) return;
            lists.push([offsets[k], list[cursors[k]].positions]);
          }
          var found = entry.positions.filter(function (p) {
            return lists.every(function (l) { return bsearch(l[1], p + l[0]); });
          });
          if (found.length) out.push(occurrences(entry.doc, found, rank[entry.doc * 2]));
        });
        return out;
      });
    });
  }

  // ---- ranking (engine.rs search) ----
  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
  function tfNorm(count, length, average, m) {
    return count * (m.k1 + 1) / (count + m.k1 * (1 - m.b + m.b * length / average));
  }
  function scoreKey(score) { return Math.round(score * 1e6); }

  function allowedDocs(m, filters) {
    var f = filters || {};
    var yearFrom = f.yearFrom || f.year_from || null, yearTo = f.yearTo || f.year_to || null;
    if (f.year) { yearFrom = f.year; yearTo = f.year; }
    var place = (f.place || f.county || f.prefecture || '').trim() || null;
    var series = f.series ? f.series.trim() : null;
    if (!yearFrom && !yearTo && !place && !series) return Promise.resolve(null);
    if (!cache.has('filters')) {
      cache.set('filters', fetch(INDEX + 'filters.json').then(function (r) {
        if (!r.ok) throw new Error('无法读取检索索引：filters.json（' + r.status + '）');
        return r.json();
      }));
    }
    return Promise.all([fetchBytes('facets.bin'), cache.get('filters')]).then(function (parts) {
      var facets = parts[0], names = parts[1];
      var prefecture = place ? names.prefectures.indexOf(place) : -1;
      var places = [];
      if (place) names.places.forEach(function (p, i) { if (p.full === place || p.name === place) places.push(i); });
      var seriesIndex = series ? names.series.indexOf(series) : -1;
      var allowed = new Set();
      for (var doc = 0; doc < m.docs; doc++) {
        var at = doc * 7, year = facets[at] | (facets[at + 1] << 8), pref = facets[at + 2];
        var pl = facets[at + 3] | (facets[at + 4] << 8), se = facets[at + 5] | (facets[at + 6] << 8);
        if (yearFrom && year < yearFrom) continue;
        if (yearTo && year > yearTo) continue;
        if (place && !((prefecture >= 0 && pref === prefecture) || places.indexOf(pl) >= 0)) continue;
        if (series && !(seriesIndex >= 0 && se === seriesIndex)) continue;
        allowed.add(doc);
      }
      return allowed;
    });
  }

  // ---- snippets (snippet.rs) ----
  function escapeChar(ch) {
    switch (ch) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&#39;';
      case '\n': case '\r': case '\t': return ' ';
      default: return ch;
    }
  }
  function makeSnippet(text, terms, best, zoneEnd) {
    var chars = Array.from(text), folded = chars.map(fold);
    var bodyStart = Math.min(zoneEnd + 1, chars.length), anchor = null;
    best.forEach(function (p) { if (p >= bodyStart && (anchor === null || p < anchor)) anchor = p; });
    var start = anchor === null ? bodyStart : Math.max(Math.max(anchor - BEFORE, 0), bodyStart);
    var end = Math.min(start + LENGTH, chars.length), out = start > bodyStart ? '…' : '', i = start;
    while (i < end) {
      var longest = 0;
      terms.forEach(function (t) {
        if (t.length && i + t.length <= end && t.length > longest) {
          for (var j = 0; j < t.length; j++) if (folded[i + j] !== t[j]) return;
          longest = t.length;
        }
      });
      if (longest) {
        out += '<mark>' + chars.slice(i, i + longest).map(escapeChar).join('') + '</mark>';
        i += longest;
      } else {
        out += escapeChar(chars[i]);
        i += 1;
      }
    }
    if (end < chars.length) out += '…';
    return out;
  }

  function record(m, doc) {
    var block = Math.floor(doc / m.doc_block);
    var key = 'docs/' + block + '.bin';
    if (!cache.has(key + '#json')) {
      cache.set(key + '#json', fetchBytes(key).then(function (bytes) { return JSON.parse(decoder.decode(bytes)); }));
    }
    return cache.get(key + '#json').then(function (records) { return records[doc - block * m.doc_block]; });
  }
  function hit(m, doc, terms, best, rank) {
    return Promise.all([record(m, doc), fetchBytes('text/' + doc + '.bin')]).then(function (parts) {
      var r = parts[0];
      return {
        path: r.path, url: r.url, title: r.title, issue: r.issue, date: r.date, county: r.county,
        snippet: makeSnippet(decoder.decode(parts[1]), terms, best, rank[doc * 2])
      };
    });
  }

  function related(m, terms, allowed, rank) {
    var words = [];
    terms.forEach(function (term) {
      for (var s = 0; s < term.length; s++) {
        for (var e = s + 2; e <= Math.min(s + 6, term.length); e++) {
          var w = term.slice(s, e).join('');
          if (words.indexOf(w) < 0) words.push(w);
        }
      }
    });
    return Promise.all(words.map(function (w) { return lookup('k', w); })).then(function (payloads) {
      var scores = new Map();
      payloads.forEach(function (payload) {
        if (!payload) return;
        var list = decodeDocs(payload), weight = idf(m.docs, list.length);
        list.forEach(function (doc) {
          if (allowed && !allowed.has(doc)) return;
          scores.set(doc, (scores.get(doc) || 0) + weight);
        });
      });
      var ranked = Array.from(scores.entries()).map(function (e) { return [scoreKey(e[1]), e[0]]; });
      ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1]; });
      return Promise.all(ranked.slice(0, RELATED_LIMIT).map(function (e) { return hit(m, e[1], [], [], rank); }));
    });
  }

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
    return Promise.all([meta(), rankInfo()]).then(function (base) {
      var m = base[0], rank = base[1];
      return Promise.all([
        allowedDocs(m, options),
        Promise.all(terms.map(function (t) { return termMatches(t, rank); })),
        Promise.all(terms.map(function (t) { return lookup('k', t.join('')).then(decodeDocs); }))
      ]).then(function (parts) {
        var allowed = parts[0], matches = parts[1], keywordDocs = parts[2].map(function (l) { return new Set(l); });
        var order = terms.map(function (_, i) { return i; }).sort(function (a, b) { return matches[a].length - matches[b].length; });
        var lookups = matches.map(function (list) { var map = new Map(); list.forEach(function (o) { map.set(o.doc, o); }); return map; });
        var candidates = matches[order[0]].map(function (o) { return o.doc; });
        order.slice(1).forEach(function (i) { candidates = candidates.filter(function (d) { return lookups[i].has(d); }); });
        if (allowed) candidates = candidates.filter(function (d) { return allowed.has(d); });
        var idfs = lookups.map(function (l) { return idf(m.docs, l.size); });
        var ranked = candidates.map(function (doc) {
          var root = rank[doc * 2 + 1], length = root * root, tier = 0, score = 0;
          lookups.forEach(function (l, t) {
            var o = l.get(doc);
            if (o.inZone) tier += 1;
            score += idfs[t] * (tfNorm(o.count, length, m.average_length, m) + (keywordDocs[t].has(doc) ? 1 : 0));
          });
          return [tier, scoreKey(score), doc];
        });
        ranked.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] || b[2] - a[2]; });
        var page = ranked.slice(offset, offset + limit);
        return Promise.all(page.map(function (e) {
          var doc = e[2];
          return hit(m, doc, terms, lookups.map(function (l) { return l.get(doc).best; }), rank);
        })).then(function (hits) {
          if (ranked.length) return { total: ranked.length, hits: hits, related: [] };
          return related(m, terms, allowed, rank).then(function (rel) { return { total: 0, hits: [], related: rel }; });
        });
      });
    });
  }
  window.jianbaoSearch = search;

  // ---- the search page ----
  var form = document.getElementById('search-page-form');
  if (!form) return;
  // The form is hidden in the page: without this script it could not work.
  form.hidden = false;
  if (location.protocol === 'file:') {
    // Browsers refuse to read the index from a file: say what to do.
    document.getElementById('search-status').textContent =
      '全文检索需要通过网页服务器打开本网站（网址以 http:// 或 https:// 开头）；从文件夹直接打开时，请按各期、县区、关键词等栏目浏览。';
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
    if (value) options[name] = name.indexOf('year') === 0 ? parseInt(value, 10) : value;
  });
  form.elements.q.value = q;
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var pager = document.getElementById('search-pager');
  function item(h) {
    var li = document.createElement('li');
    li.innerHTML = '<a href="' + hitAddress(h.url).replace(/"/g, '&quot;') + '">' + Array.from(h.title).map(escapeChar).join('') +
      '</a><small>' + Array.from(h.issue + ' · ' + h.date + ' · ' + h.county).map(escapeChar).join('') +
      '</small><p class="snippet">' + h.snippet + '</p>';
    return li;
  }
  if (!q.trim()) { status.textContent = '请输入要搜索的词语；多个词语用空格隔开。'; return; }
  status.textContent = '正在搜索……';
  var started = performance.now();
  search(q, options).then(function (result) {
    list.innerHTML = '';
    if (result.message) { status.textContent = result.message; return; }
    var ms = Math.round(performance.now() - started);
    if (result.total) {
      status.textContent = '共找到 ' + result.total + ' 篇报告（第 ' + (options.offset + 1) + '–' +
        Math.min(options.offset + PAGE, result.total) + ' 篇，用时 ' + ms + ' 毫秒）';
      result.hits.forEach(function (h) { list.appendChild(item(h)); });
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
      if (page > 1) link(page - 1, '← 上一页');
      if (page < pages) link(page + 1, '下一页 →');
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
    document.body.setAttribute('data-search-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-search-done', '1');
  }).catch(function (err) {
    status.textContent = '搜索出错：' + err.message;
    document.body.setAttribute('data-search-done', 'error');
  });
})();
