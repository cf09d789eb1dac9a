// Zoom each slide's content down until it fits its 1280 x 720 box (tools/build_slides.py splits long cells
// first, so most slides keep zoom 1). The zoom is kept in data-fit for the layout check.
window.courseFitSlides = function () {
  var slides = document.querySelectorAll('.reveal .slides > section');
  slides.forEach(function (section) {
    var fit = section.querySelector(':scope > .slide-fit');
    if (!fit) {
      fit = document.createElement('div');
      fit.className = 'slide-fit';
      while (section.firstChild) { fit.appendChild(section.firstChild); }
      section.appendChild(fit);
    }
    var display = section.style.display;
    section.style.display = 'block';
    fit.style.zoom = 1;
    var style = getComputedStyle(section);
    var availH = section.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    var availW = section.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // reveal.js scales the whole slide to the window: measure in the slide's own 1280 x 720 pixels.
    var scale = section.getBoundingClientRect().height / section.offsetHeight || 1;
    var zoom = 1;
    for (var i = 0; i < 40; i++) {
      fit.style.zoom = zoom;
      var h = fit.scrollHeight * zoom, w = fit.scrollWidth * zoom;
      var rect = fit.getBoundingClientRect();
      var rh = rect.height / scale, rw = rect.width / scale;
      if (rh <= availH + 0.5 && Math.max(w, rw) <= availW + 0.5 && h <= availH + 0.5) break;
      zoom = Math.round((zoom - 0.025) * 1000) / 1000;
      if (zoom <= 0.3) break;
    }
    section.dataset.fit = zoom;
    section.style.display = display;
  });
};
