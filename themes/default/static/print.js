// 印刷版排版：把版记放到最后一页的页脚。
// Everything above the distribution block lies on a grid of 22 lines a page,
// so the continuous layout cut every 22 lines is the paged layout. This
// measures how many grid lines the text takes and pushes the block down to
// the foot of the last page, or onto a page of its own (unnumbered) when it
// does not fit; it records the predicted page count in data-pages.
(function () {
  'use strict';
  var LINES = 22;
  function layout() {
    var sheet = document.getElementById('sheet');
    var spacer = document.getElementById('foot-spacer');
    var block = document.getElementById('distribution');
    if (!sheet || !spacer || !block) return;
    document.body.appendChild(block);
    sheet.style.removeProperty('--screen-height');
    sheet.style.removeProperty('--print-height');
    spacer.style.flex = '';
    block.style.marginTop = '';
    block.classList.remove('alone');
    var line = parseFloat(getComputedStyle(document.body).lineHeight);
    var top = sheet.getBoundingClientRect().top;
    // A title never ends a page: a report whose title would fill a page's
    // last lines starts on the next page (a forced break in print; on screen
    // a margin stands in for it, so the measure below sees the same lines).
    var pushed = 0;
    Array.prototype.forEach.call(sheet.querySelectorAll('.report'), function (report) {
      report.style.removeProperty('--push');
      report.style.breakBefore = '';
      var title = report.querySelector('.report-title');
      if (!title) return;
      var first = Math.round((report.getBoundingClientRect().top - top) / line);
      var lines = 1 + Math.round(title.getBoundingClientRect().height / line);
      var onPage = first % LINES;
      // Keep the title with at least two lines of its text, as Chromium does.
      if (onPage !== 0 && onPage + lines + 2 > LINES) {
        report.style.breakBefore = 'page';
        report.style.setProperty('--push', (LINES - onPage) * line + 'px');
        pushed += (LINES - onPage) * line;
      }
    });
    var used = Math.round(sheet.getBoundingClientRect().height / line);
    var blockHeight = block.getBoundingClientRect().height;
    var onLastPage = used % LINES === 0 ? (used ? LINES : 0) : used % LINES;
    // One line of slack: a block that only just fits would be pushed over
    // by any rounding in the paged layout.
    var fits = blockHeight <= (LINES - onLastPage - 1) * line;
    var pages;
    if (fits) {
      // The text and the block fill whole pages; the spacer between them
      // grows, so the block ends at the foot of the last page.
      pages = Math.max(1, Math.ceil(used / LINES));
      sheet.appendChild(block);
      // Every page but the last holds 22 grid lines (its last 0.6 mm stays
      // empty); the last one ends at the foot of the 225 mm type area.
      // In print the forced breaks stand where the screen has margins: the
      // column is shorter by those margins before it is cut into pages.
      var height = (pages - 1) * LINES * line;
      sheet.style.setProperty('--screen-height', 'calc(' + height + 'px + 224mm)');
      sheet.style.setProperty('--print-height', 'calc(' + (height - pushed) + 'px + 224mm)');
      spacer.style.flex = '1 0 0';
    } else {
      // A page of its own, unnumbered (@page bare), the block at its foot.
      pages = Math.ceil(used / LINES) + 1;
      document.body.appendChild(block);
      block.classList.add('alone');
      block.style.marginTop = 'calc(224mm - ' + blockHeight + 'px)';
    }
    document.documentElement.setAttribute('data-pages', String(pages));
    document.documentElement.setAttribute('data-lines', String(used));
  }
  function ready() {
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layout); else layout();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
  // The browser's own Print dialog lays out again with print styles.
  window.addEventListener('beforeprint', layout);
})();
