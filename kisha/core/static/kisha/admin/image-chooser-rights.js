/* The chosen image's rights under its title in every image chooser widget (kisha.core,
   docs/wire.md "Rights"). Wagtail's ImageChooser redraws the title and preview from the chosen
   image's data (renderState); this draws usage_terms and copyright_notice, which
   kisha.core.image_choosers adds to that data, in the same redraw: for a field's widget
   (window.ImageChooser) and for a StreamField image block's (the telepath factory's widget). */
(function () {
  'use strict';

  function show(chooser, state) {
    var box = chooser.chooserElement && chooser.chooserElement.querySelector('[data-kisha-image-rights]');
    if (!box) {
      return;
    }
    var terms = (state && state.usage_terms) || '';
    var notice = (state && state.copyright_notice) || '';
    box.querySelector('[data-kisha-image-terms-text]').textContent = terms;
    box.querySelector('[data-kisha-image-terms]').hidden = !terms;
    var noticeElement = box.querySelector('[data-kisha-image-notice]');
    noticeElement.textContent = notice;
    noticeElement.hidden = !notice;
    box.hidden = !terms && !notice;
  }

  var Chooser = window.ImageChooser;
  if (Chooser && !Chooser.prototype.kishaRights) {
    var getStateFromHTML = Chooser.prototype.getStateFromHTML;
    var renderState = Chooser.prototype.renderState;
    Chooser.prototype.kishaRights = true;
    Chooser.prototype.getStateFromHTML = function () {
      var state = getStateFromHTML.call(this);
      var box = this.chooserElement.querySelector('[data-kisha-image-rights]');
      if (state && box) {
        state.usage_terms = box.querySelector('[data-kisha-image-terms-text]').textContent;
        state.copyright_notice = box.querySelector('[data-kisha-image-notice]').textContent;
      }
      return state;
    };
    Chooser.prototype.renderState = function (state) {
      renderState.call(this, state);
      show(this, state);
    };
  }

  // A StreamField block's widget is made by telepath's factory: render(placeholder, name, id,
  // initialState) returns it after drawing its initial state.
  var constructors = window.telepath && window.telepath.constructors;
  var Factory = constructors && constructors['wagtail.images.widgets.ImageChooser'];
  if (Factory && !Factory.prototype.kishaRights) {
    var render = Factory.prototype.render;
    Factory.prototype.kishaRights = true;
    Factory.prototype.render = function (placeholder, name, id, initialState) {
      var widget = render.apply(this, arguments);
      var redraw = widget.renderState;
      widget.renderState = function (state) {
        redraw.call(this, state);
        show(this, state);
      };
      show(widget, initialState);
      return widget;
    };
  }
})();
