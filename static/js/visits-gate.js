// The gate's camera: where the browser can read QR codes (BarcodeDetector, or jsQR on the camera's frames), a scan
// fills in the code and sends the form. Without a camera or scripts the form is typed in as it is.
(function () {
  const form = document.querySelector('[data-gate-form]');
  if (!form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const input = form.querySelector('input[name="code"]');
  const scanButton = form.querySelector('[data-gate-scan]');
  const box = form.querySelector('[data-gate-camera]');
  const video = form.querySelector('[data-gate-video]');
  const status = form.querySelector('[data-gate-status]');
  const stopButton = form.querySelector('[data-gate-stop]');
  const statusText = (t) => {
    status.textContent = t;
    box.hidden = false;
  };
  let stream = null;
  let timer = null;
  let detector = null;

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/static/vendor/jsqr/jsQR.js';
      s.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error('jsQR')));
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  async function reader() {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async () => {
            const found = await detector.detect(video);
            return found.length ? found[0].rawValue : null;
          };
        }
      } catch {
        /* fall through to jsQR */
      }
    }
    const jsQR = await loadJsQR();
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    return async () => {
      if (!video.videoWidth) return null;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      return found ? found.data : null;
    };
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    box.hidden = true;
    scanButton.hidden = false;
  }

  async function start() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      statusText(scanButton.dataset.noCamera || '');
      return;
    }
    box.hidden = false;
    scanButton.hidden = true;
    video.srcObject = stream;
    await video.play();
    const read = await reader();
    let busy = false;
    timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        const text = await read();
        if (text) {
          stop();
          input.value = text;
          form.submit();
        }
      } finally {
        busy = false;
      }
    }, 250);
  }

  scanButton.hidden = false;
  scanButton.addEventListener('click', start);
  stopButton.addEventListener('click', stop);
  window.addEventListener('pagehide', stop);
})();
