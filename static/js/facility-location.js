// Facility form: a small Leaflet map to pick the location. Only an enhancement: the typed longitude and latitude
// fields are what the form submits, and they work without this script, without Leaflet and without the map data.
(function () {
  'use strict';

  // Liupanshui, for a first view when there is nothing else to go by.
  var FALLBACK = { lat: 26.59, lng: 104.83, zoom: 9 };
  var BOUNDS = { minLng: 73, maxLng: 136, minLat: 3, maxLat: 54 }; // what the server accepts (China)

  function init(wrap) {
    var L = window.L;
    var lng = document.getElementById('lng');
    var lat = document.getElementById('lat');
    var el = wrap.querySelector('.location-map');
    if (!L || !lng || !lat || !el) return;
    wrap.hidden = false;

    var tiles = el.getAttribute('data-tile-url');
    var attribution = el.getAttribute('data-tile-attribution');
    var map = L.map(el, { attributionControl: Boolean(tiles && attribution), scrollWheelZoom: false, zoomSnap: 0.25 });
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 18,
        subdomains: el.getAttribute('data-tile-subdomains') || 'abc',
        attribution: attribution || '',
      }).addTo(map);
    } else {
      el.classList.add('no-tiles');
    }

    var marker = null;

    function typed() {
      var x = parseFloat(lng.value);
      var y = parseFloat(lat.value);
      if (!isFinite(x) || !isFinite(y)) return null;
      if (x < BOUNDS.minLng || x > BOUNDS.maxLng || y < BOUNDS.minLat || y > BOUNDS.maxLat) return null;
      return L.latLng(y, x);
    }

    function write(ll) {
      lng.value = ll.lng.toFixed(6);
      lat.value = ll.lat.toFixed(6);
      lng.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function place(ll) {
      if (!marker) {
        marker = L.marker(ll, { draggable: true, keyboard: true }).addTo(map);
        marker.on('dragend', function () {
          write(marker.getLatLng());
        });
      } else {
        marker.setLatLng(ll);
      }
    }

    map.on('click', function (e) {
      place(e.latlng);
      write(e.latlng);
    });

    function follow() {
      var ll = typed();
      if (!ll) return;
      place(ll);
      map.panTo(ll);
    }
    lng.addEventListener('input', follow);
    lat.addEventListener('input', follow);

    var start = typed();
    if (start) {
      place(start);
      map.setView(start, 11);
    } else {
      map.setView([FALLBACK.lat, FALLBACK.lng], FALLBACK.zoom);
    }

    // County outlines, when the app has them; without them the map is a plain grid.
    var geo = el.getAttribute('data-geojson');
    if (geo && window.fetch) {
      fetch(geo, { credentials: 'same-origin' })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (data) {
          if (!data) return;
          var layer = L.geoJSON(data, {
            interactive: false,
            style: { color: '#1f3a5f', weight: 1.5, opacity: 0.8, fill: false },
          }).addTo(map);
          if (!start && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        })
        .catch(function () {
          /* the grid stays */
        });
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var wraps = document.querySelectorAll('[data-location-map]');
    for (var i = 0; i < wraps.length; i += 1) init(wraps[i]);
  });
})();
