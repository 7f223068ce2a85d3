// Highlighting only: the page says everything without this script.
(function () {
  'use strict';
  function mark(id, on) {
    document.querySelectorAll('[data-incident-id="' + id + '"]').forEach(function (el) {
      el.classList.toggle('highlight', on);
    });
  }
  document.querySelectorAll('[data-incident-id]').forEach(function (el) {
    var id = el.getAttribute('data-incident-id');
    el.addEventListener('mouseenter', function () { mark(id, true); });
    el.addEventListener('mouseleave', function () { mark(id, false); });
    if (el.tagName.toLowerCase() === 'g') {
      el.style.cursor = 'pointer';
      el.addEventListener('click', function () {
        var target = document.getElementById('incident-' + id);
        if (target) { target.scrollIntoView({behavior: 'smooth', block: 'start'}); }
      });
    }
  });
  document.documentElement.setAttribute('data-script', 'ran');
})();
