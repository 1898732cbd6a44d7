// Appended by tests/app/test_report_browser.c to a copy of a report.html, run by headless Chromium:
// every reference inside the page must resolve (SVG <use>, clip paths, fills), every image must
// have loaded and every plot must take room on the page. The result goes into an attribute of
// <body>, which --dump-dom prints. (report.html itself has no script.)
(function () {
  var bad = [];
  document.querySelectorAll('img').forEach(function (i) {
    if (!i.complete || i.naturalWidth === 0) bad.push('img ' + i.src);
  });
  document.querySelectorAll('*').forEach(function (e) {
    ['href', 'xlink:href', 'clip-path', 'fill', 'stroke', 'mask', 'filter'].forEach(function (a) {
      var v = e.getAttribute(a);
      if (!v) return;
      var m = /^#(.+)$/.exec(v) || /url\(#([^)]+)\)/.exec(v);
      if (m && e.tagName !== 'A' && !document.getElementById(m[1])) bad.push(e.tagName + ' ' + a + '=' + v);
    });
  });
  var svgs = document.querySelectorAll('svg');
  svgs.forEach(function (s, k) {
    var b = s.getBoundingClientRect();
    if (b.width < 200 || b.height < 100) bad.push('svg ' + k + ' is ' + b.width + 'x' + b.height);
  });
  document.body.setAttribute('data-check', 'svgs=' + svgs.length + ' bad=' + bad.length + ' ' + bad.slice(0, 5).join('; '));
})();
