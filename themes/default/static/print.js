// 印刷版排版：把版记放到最后一页的页脚。
// Everything above the distribution block lies on a grid of 22 lines a page,
// so the continuous layout cut every 22 lines is the paged layout. This
// measures how many grid lines the text takes and pushes the block down to
// the foot of the last page, or onto a page of its own (unnumbered) when it
// does not fit; it records the predicted page count in data-pages.
// For double-sided printing (<html data-duplex>) the block always ends on
// an even page, the back of the last sheet: on a page of its own when the
// text ends on an odd page, after a blank page (data-blank-page) when the
// text ends on an even page that cannot hold it.
(function () {
  'use strict';
  var LINES = 22;
  function layout() {
    var sheet = document.getElementById('sheet');
    var spacer = document.getElementById('foot-spacer');
    var block = document.getElementById('distribution');
    if (!sheet || !spacer || !block) return;
    var root = document.documentElement;
    var duplex = root.hasAttribute('data-duplex');
    // Measure the A4 layout whatever the window's width (print.css reflows
    // the text for phones unless .measuring is set); nothing is drawn
    // before the class goes again at the end.
    root.classList.add('measuring');
    var blank = document.getElementById('blank-page');
    if (blank) blank.parentNode.removeChild(blank);
    root.removeAttribute('data-blank-page');
    document.body.appendChild(block);
    sheet.style.removeProperty('--screen-height');
    sheet.style.removeProperty('--print-height');
    spacer.style.flex = '';
    block.style.marginTop = '';
    block.classList.remove('alone');
    var line = parseFloat(getComputedStyle(document.body).lineHeight);
    // A part of a title (print.html wraps the text between its spaces)
    // that does not fit one line compresses its punctuation to half width,
    // as the committee's word processor does, and wraps only if still too
    // long.
    Array.prototype.forEach.call(sheet.querySelectorAll('.title-part'), function (part) {
      part.classList.remove('tight');
      var height = part.getBoundingClientRect().height;
      var lineHeight = parseFloat(getComputedStyle(part).lineHeight) || line;
      if (height > lineHeight * 1.5) part.classList.add('tight');
    });
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
    var textPages = Math.max(1, Math.ceil(used / LINES));
    // Double-sided, a block under text on an odd page would face a blank
    // back: it moves to that back, a page of its own.
    if (duplex && textPages % 2 === 1) fits = false;
    var pages;
    if (fits) {
      // The text and the block fill whole pages; the spacer between them
      // grows, so the block ends at the foot of the last page.
      pages = textPages;
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
      if (duplex && pages % 2 === 1) {
        // Double-sided: a blank page, unnumbered too, puts it on the back.
        blank = document.createElement('div');
        blank.id = 'blank-page';
        blank.className = 'blank-page';
        document.body.appendChild(blank);
        root.setAttribute('data-blank-page', String(pages));
        pages += 1;
      }
      document.body.appendChild(block);
      block.classList.add('alone');
      block.style.marginTop = 'calc(224mm - ' + blockHeight + 'px)';
    }
    root.classList.remove('measuring');
    document.documentElement.setAttribute('data-pages', String(pages));
    document.documentElement.setAttribute('data-lines', String(used));
  }
  function ready() {
    if (!document.fonts || !document.fonts.ready) return layout();
    // Lay out once so the browser starts loading the fonts the page uses,
    // then measure when they are all in (a fallback font's widths would
    // break lines elsewhere). The page numbers' font is used only by the
    // printed margins: load it now, so the PDF never falls back.
    void document.body.offsetHeight;
    var wanted = [document.fonts.ready];
    if (document.fonts.load) wanted.push(document.fonts.load('14pt "FandolSong Digits"', '— 0123456789 —').catch(function () {}));
    Promise.all(wanted).then(layout, layout);
    // A font that arrives later (a slow network) changes the lines again.
    if (document.fonts.addEventListener) document.fonts.addEventListener('loadingdone', layout);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
  // The browser's own Print dialog lays out again with print styles.
  window.addEventListener('beforeprint', layout);
})();
