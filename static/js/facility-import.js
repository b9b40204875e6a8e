// Facility import: reads a chosen CSV file into the text box, so the form (which posts text) needs no upload.
// Excel on Chinese Windows saves CSV as GBK: text that is not valid UTF-8 is read as GB18030 instead.
(function () {
  'use strict';

  function decode(buffer) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    } catch {
      return new TextDecoder('gb18030').decode(buffer);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-import-file]');
    var text = document.getElementById('csv');
    if (!box || !text || !window.FileReader || !window.TextDecoder) return;
    var input = box.querySelector('input[type="file"]');
    box.hidden = false;
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        text.value = decode(reader.result).replace(/^\uFEFF/, '');
        text.focus();
      };
      reader.readAsArrayBuffer(file);
    });
  });
})();
