// The coverage map (Leaflet, served from /static/vendor/leaflet/): counties shaded by village coverage, burial
// reform zones hatched, facility markers by kind (shape and colour) and status (filled, half, hollow, grey), popups
// and a legend. Data and every label come from the JSON at data-src; the page has the same figures as tables.
(function () {
  'use strict';

  var el = document.querySelector('[data-coverage-map]');
  if (!el || !window.L) return;
  var L = window.L;
  var SVG = 'http://www.w3.org/2000/svg';
  var printMode = el.hasAttribute('data-print-map');
  // The map takes its full height only where it can be drawn; without scripts the box is a one-line notice.
  el.classList.add('is-live');
  var message = el.querySelector('[data-map-message]');
  if (message) message.textContent = el.getAttribute('data-loading') || '';

  // ColorBrewer Blues, 5 classes: sequential and readable with any colour vision, in grey print too.
  var RATE_COLORS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
  var NO_VILLAGES = '#d9d9d9';
  // Okabe–Ito colours (safe for colour-blind readers); the shape tells the kind on its own.
  var KINDS = {
    funeral_home: { shape: 'square', color: '#D55E00', size: 20 },
    columbarium: { shape: 'diamond', color: '#CC79A7', size: 20 },
    urban_public_cemetery: { shape: 'triangle', color: '#E69F00', size: 20 },
    rural_public_cemetery: { shape: 'circle', color: '#009E73', size: 18 },
    commercial_cemetery: { shape: 'triangle-down', color: '#000000', size: 18 },
    funeral_service_point: { shape: 'hexagon', color: '#F0E442', size: 18 },
  };
  var NEUTRAL = '#4a4f57';
  var CLOSED = { fill: '#bdbdbd', stroke: '#757575' };
  var STATUS_ORDER = { operating: 400, building: 300, planned: 200, closed: 100 };
  // Set when the data arrives; popups are built on demand and read them.
  var LABELS = null,
    FOCUS = null;

  function svgEl(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(node);
    return node;
  }

  function h(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // Gradients for "under construction" (lower half filled), defined once for the page.
  var defs = svgEl('svg', { width: '0', height: '0', 'aria-hidden': 'true', focusable: 'false', class: 'cm-defs' });
  var defsInner = svgEl('defs', {}, defs);
  function halfGradient(id, color) {
    var g = svgEl('linearGradient', { id: id, x1: '0', y1: '0', x2: '0', y2: '1' }, defsInner);
    svgEl('stop', { offset: '0.5', 'stop-color': '#ffffff' }, g);
    svgEl('stop', { offset: '0.5', 'stop-color': color }, g);
  }
  Object.keys(KINDS).forEach(function (k) {
    halfGradient('cm-half-' + k, KINDS[k].color);
  });
  halfGradient('cm-half-neutral', NEUTRAL);
  hatchPattern(defsInner, 'cm-hatch-legend', 5, 1.1, 0.85);
  hatchPattern(defsInner, 'cm-hatch-sparse-legend', 9, 1.1, 0.85);
  document.body.appendChild(defs);

  /** Diagonal lines every `gap` pixels: dense for a burial reform county, sparse for a county with such townships. */
  // A dark line with a white one beside it shows on the lightest and the darkest class alike.
  function hatchPattern(parent, id, gap, width, opacity) {
    var p = svgEl(
      'pattern',
      {
        id: id,
        patternUnits: 'userSpaceOnUse',
        width: String(gap),
        height: String(gap),
        patternTransform: 'rotate(45)',
      },
      parent,
    );
    svgEl(
      'line',
      {
        x1: String(width * 1.5),
        y1: '0',
        x2: String(width * 1.5),
        y2: String(gap),
        stroke: '#ffffff',
        'stroke-width': String(width),
        'stroke-opacity': String(opacity),
      },
      p,
    );
    svgEl(
      'line',
      {
        x1: '0',
        y1: '0',
        x2: '0',
        y2: String(gap),
        stroke: '#1b1b1b',
        'stroke-width': String(width),
        'stroke-opacity': String(opacity),
      },
      p,
    );
  }

  /** The outline of a kind's shape in a 20 × 20 box. */
  function shapeNode(shape, attrs) {
    switch (shape) {
      case 'square':
        return svgEl('rect', Object.assign({ x: '3', y: '3', width: '14', height: '14' }, attrs));
      case 'diamond':
        return svgEl('polygon', Object.assign({ points: '10,1.5 18.5,10 10,18.5 1.5,10' }, attrs));
      case 'triangle':
        return svgEl('polygon', Object.assign({ points: '10,2 18.5,17 1.5,17' }, attrs));
      case 'triangle-down':
        return svgEl('polygon', Object.assign({ points: '1.5,3 18.5,3 10,18' }, attrs));
      case 'hexagon':
        return svgEl('polygon', Object.assign({ points: '10,1.5 17.5,5.8 17.5,14.2 10,18.5 2.5,14.2 2.5,5.8' }, attrs));
      default:
        return svgEl('circle', Object.assign({ cx: '10', cy: '10', r: '7.5' }, attrs));
    }
  }

  function styleFor(kind, status) {
    var k = KINDS[kind] || { color: NEUTRAL };
    var color = kind === 'neutral' ? NEUTRAL : k.color;
    var id = kind === 'neutral' ? 'neutral' : kind;
    if (status === 'closed') return { fill: CLOSED.fill, stroke: CLOSED.stroke, 'stroke-width': '1.3' };
    if (status === 'planned')
      return {
        fill: '#ffffff',
        stroke: color === '#F0E442' ? '#8a7d00' : color,
        'stroke-width': '2',
        'stroke-dasharray': '3 2',
      };
    if (status === 'building') return { fill: 'url(#cm-half-' + id + ')', stroke: '#1a1a1a', 'stroke-width': '1.4' };
    return { fill: color, stroke: '#1a1a1a', 'stroke-width': '1.4' };
  }

  function symbol(kind, status, size) {
    var shape = kind === 'neutral' ? 'circle' : (KINDS[kind] || {}).shape;
    var svg = svgEl('svg', {
      viewBox: '0 0 20 20',
      width: String(size),
      height: String(size),
      'aria-hidden': 'true',
      focusable: 'false',
    });
    svg.appendChild(shapeNode(shape, styleFor(kind, status)));
    if (status === 'closed')
      svgEl('path', { d: 'M6.5 6.5 L13.5 13.5 M13.5 6.5 L6.5 13.5', stroke: '#555', 'stroke-width': '1.6' }, svg);
    return svg;
  }

  function swatch(fill, stroke, extra) {
    var svg = svgEl('svg', {
      viewBox: '0 0 24 14',
      width: '24',
      height: '14',
      'aria-hidden': 'true',
      focusable: 'false',
    });
    svgEl(
      'rect',
      Object.assign(
        { x: '0.5', y: '0.5', width: '23', height: '13', fill: fill, stroke: stroke || '#8c8c8c', 'stroke-width': '1' },
        extra || {},
      ),
      svg,
    );
    return svg;
  }

  function percentRange(c) {
    return Math.round(c.from * 100) + '–' + Math.round(c.to * 100) + '%';
  }

  function fail() {
    if (message) message.textContent = el.getAttribute('data-failed') || '';
    el.setAttribute('data-map-state', 'failed');
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  getJson(el.getAttribute('data-src'))
    .then(function (data) {
      if (!data.boundaries) return draw(data, null);
      return getJson(data.boundaries).then(function (geo) {
        draw(data, geo);
      });
    })
    .catch(function (err) {
      fail();
      if (window.console) console.warn(err);
    });

  function draw(data, geo) {
    var labels = (LABELS = data.labels);
    FOCUS = data.focus;
    if (message) message.remove();
    var map = L.map(el, {
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      minZoom: 4,
      maxZoom: el.getAttribute('data-tile-url') ? 18 : 14,
      attributionControl: false,
      zoomControl: !printMode,
      dragging: !printMode,
      scrollWheelZoom: !printMode ? 'center' : false,
      doubleClickZoom: !printMode,
      boxZoom: !printMode,
      keyboard: !printMode,
      touchZoom: !printMode,
    });
    L.control.attribution({ prefix: 'Leaflet' }).addTo(map);
    // County names above the markers, never catching the pointer: a marker under a name stays clickable.
    map.createPane('cm-labels').style.zIndex = 650;

    var tileUrl = el.getAttribute('data-tile-url');
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        subdomains: el.getAttribute('data-tile-subdomains') || 'abc',
        attribution: el.getAttribute('data-tile-attribution') || '',
        maxZoom: 18,
      }).addTo(map);
    }

    var areas = {};
    data.areas.forEach(function (a) {
      areas[a.code] = a;
    });
    var focus = data.focus;
    var fillOpacity = tileUrl ? 0.7 : 0.92;
    var features = geo
      ? geo.features.filter(function (f) {
          return areas[f.properties.code];
        })
      : [];
    var focused = features.filter(function (f) {
      return f.properties.code === focus;
    });

    // ## Where to look, set first (the SVG renderer the hatching goes into exists once the map has a view):
    // the county asked for, else the city, else the markers
    var bounds = null;
    if (features.length)
      bounds = L.geoJSON({ type: 'FeatureCollection', features: focused.length ? focused : features }).getBounds();
    if (!bounds || !bounds.isValid()) {
      var pts = data.facilities.map(function (f) {
        return [f.lat, f.lng];
      });
      bounds = pts.length ? L.latLngBounds(pts) : null;
    }
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: printMode ? [12, 12] : [24, 24], maxZoom: 12 });
    else map.setView([35, 105], 4);

    // ## Counties: a dark casing under white borders draws the city's outline; fills by rate class
    var zoneLayer = null,
      labelLayer = L.layerGroup();
    if (features.length) {
      var shaped = { type: 'FeatureCollection', features: features };
      L.geoJSON(shaped, {
        interactive: false,
        style: function () {
          return { color: '#3d4a5c', weight: 3.2, fill: false };
        },
      }).addTo(map);
      L.geoJSON(shaped, {
        attribution: labels.boundaries_attribution,
        style: function (f) {
          var a = areas[f.properties.code];
          var dim = focus && f.properties.code !== focus;
          return {
            fillColor: a.rate_class === null ? NO_VILLAGES : RATE_COLORS[a.rate_class],
            fillOpacity: dim ? fillOpacity * 0.4 : fillOpacity,
            color: '#ffffff',
            weight: 1.4,
            opacity: 1,
          };
        },
        onEachFeature: function (f, layer) {
          var a = areas[f.properties.code];
          if (!printMode)
            layer.bindPopup(
              function () {
                return countyPopup(a);
              },
              { maxWidth: 320 },
            );
          layer.on('mouseover', function () {
            layer.setStyle({ weight: 2.6 });
          });
          layer.on('mouseout', function () {
            layer.setStyle({ weight: 1.4 });
          });
          var at = f.properties.label
            ? L.latLng(f.properties.label[1], f.properties.label[0])
            : layer.getBounds().getCenter();
          var box = h('div', 'cm-label-inner' + (focus === a.code ? ' is-focus' : ''));
          h('span', 'cm-label-name', a.name, box);
          h('span', 'cm-label-rate', a.texts.rate, box);
          L.marker(at, {
            icon: L.divIcon({ className: 'cm-label', html: box, iconSize: null }),
            pane: 'cm-labels',
            interactive: false,
            keyboard: false,
          }).addTo(labelLayer);
        },
      }).addTo(map);

      // Burial reform zones (土葬改革区) hatched above the fill; a pattern in the renderer's own SVG.
      var overlaySvg = map.getPanes().overlayPane.querySelector('svg');
      if (overlaySvg) {
        var d = overlaySvg.querySelector('defs') || svgEl('defs', {}, null);
        if (!d.parentNode) overlaySvg.insertBefore(d, overlaySvg.firstChild);
        hatchPattern(d, 'cm-hatch', 7, 1.3, 0.8);
        hatchPattern(d, 'cm-hatch-sparse', 16, 1.3, 0.8);
      }
      zoneLayer = L.geoJSON(
        {
          type: 'FeatureCollection',
          features: features.filter(function (f) {
            return zoneFill(areas[f.properties.code]);
          }),
        },
        {
          interactive: false,
          style: function (f) {
            return { stroke: false, fillColor: zoneFill(areas[f.properties.code]), fillOpacity: 1 };
          },
        },
      ).addTo(map);

      if (focused.length) {
        L.geoJSON(
          { type: 'FeatureCollection', features: focused },
          {
            interactive: false,
            style: function () {
              return { color: '#111827', weight: 3, fill: false };
            },
          },
        ).addTo(map);
      }
      labelLayer.addTo(map);
    }

    // ## Facilities, one layer per kind, operating ones on top
    var kindLayers = {};
    var kindsShown = [],
      statusesShown = [];
    data.facilities.forEach(function (f) {
      var spec = KINDS[f.kind] || KINDS.rural_public_cemetery;
      var box = h('div', 'cm-marker-inner');
      box.appendChild(symbol(f.kind, f.status, spec.size));
      var marker = L.marker([f.lat, f.lng], {
        icon: L.divIcon({
          className: 'cm-marker cm-kind-' + f.kind + ' cm-status-' + f.status,
          html: box,
          iconSize: [spec.size, spec.size],
          iconAnchor: [spec.size / 2, spec.size / 2],
          popupAnchor: [0, -spec.size / 2],
        }),
        title: f.name + ' · ' + f.kind_name + ' · ' + f.status_name,
        alt: f.name,
        zIndexOffset: STATUS_ORDER[f.status] || 0,
        keyboard: !printMode,
        interactive: !printMode,
      });
      if (!printMode)
        marker.bindPopup(
          function () {
            return facilityPopup(f);
          },
          { maxWidth: 320 },
        );
      if (!kindLayers[f.kind]) {
        kindLayers[f.kind] = L.layerGroup().addTo(map);
        kindsShown.push(f.kind);
      }
      if (statusesShown.indexOf(f.status) < 0) statusesShown.push(f.status);
      marker.addTo(kindLayers[f.kind]);
    });

    var kindOrder = Object.keys(KINDS);
    kindsShown.sort(function (a, b) {
      return kindOrder.indexOf(a) - kindOrder.indexOf(b);
    });

    // ## Controls: scale, north arrow, layers, legend
    L.control.scale({ imperial: false, maxWidth: 140, position: 'bottomleft' }).addTo(map);
    var North = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () {
        var box = h('div', 'cm-north leaflet-bar');
        box.setAttribute('aria-hidden', 'true');
        var svg = svgEl('svg', { viewBox: '0 0 20 26', width: '20', height: '26', focusable: 'false' }, box);
        svgEl('polygon', { points: '10,1 17,21 10,16.5', fill: '#1a1a1a' }, svg);
        svgEl('polygon', { points: '10,1 3,21 10,16.5', fill: '#ffffff', stroke: '#1a1a1a', 'stroke-width': '1' }, svg);
        h('span', 'cm-north-label', labels.north, box);
        return box;
      },
    });
    new North().addTo(map);

    if (!printMode) {
      var overlays = {};
      if (zoneLayer) overlays[labels.layers.zones] = zoneLayer;
      if (features.length) overlays[labels.layers.labels] = labelLayer;
      kindsShown.forEach(function (k) {
        overlays[labels.kinds[k]] = kindLayers[k];
      });
      if (Object.keys(overlays).length)
        L.control
          .layers(null, overlays, { collapsed: el.clientHeight < 820 || el.clientWidth < 720, position: 'topleft' })
          .addTo(map);
    }

    var legend = buildLegend(data, kindsShown, statusesShown, features.length > 0);
    var target = el.getAttribute('data-legend-target') && document.querySelector(el.getAttribute('data-legend-target'));
    if (target) target.appendChild(legend);
    else {
      var Legend = L.Control.extend({
        options: { position: 'bottomright' },
        onAdd: function () {
          L.DomEvent.disableClickPropagation(legend);
          L.DomEvent.disableScrollPropagation(legend);
          return legend;
        },
      });
      new Legend().addTo(map);
    }
    el.setAttribute('data-map-state', 'ready');
  }

  /** 土葬改革区 counties are hatched; 火葬区 counties with 土葬改革区 townships get a sparse hatching. */
  function zoneFill(a) {
    if (a.funeral_zone === 'reform') return 'url(#cm-hatch)';
    if (
      a.township_zones.some(function (t) {
        return t.funeral_zone === 'reform';
      })
    )
      return 'url(#cm-hatch-sparse)';
    return null;
  }

  function dl(rows) {
    var list = h('dl', 'cm-props');
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === '') return;
      h('dt', null, r[0], list);
      h('dd', null, r[1], list);
    });
    return list;
  }

  function link(href, text, parent) {
    var a = h('a', null, text, parent);
    a.href = href;
    return a;
  }

  function facilityPopup(f) {
    var L_ = LABELS;
    var box = h('div', 'cm-popup');
    var title = h('h3', null, f.name, box);
    if (f.is_sample) h('span', 'badge badge-sample', L_.popup.sample, title);
    box.appendChild(
      dl([
        [L_.popup.kind, f.kind_name],
        [L_.popup.status, f.since],
        [L_.popup.capacity, f.capacity],
        [L_.popup.build_mode, f.build_mode_name],
        [L_.popup.region, f.region_name],
      ]),
    );
    link(f.url, L_.popup.open + ' →', h('p', 'cm-popup-links', null, box));
    return box;
  }

  function countyPopup(a) {
    var L_ = LABELS;
    var box = h('div', 'cm-popup');
    var title = h('h3', null, a.name + ' ', box);
    h('span', 'cm-popup-rate', a.texts.rate, title);
    box.appendChild(
      dl([
        [L_.popup.villages, a.texts.villages],
        [L_.popup.townships, a.texts.townships],
        [L_.popup.central_villages, a.texts.central_villages],
        [L_.popup.cremation, a.texts.cremation],
        [L_.popup.zone, a.zone_name],
      ]),
    );
    if (a.texts.township_zones) h('p', 'cm-popup-note', a.texts.township_zones, box);
    var links = h('p', 'cm-popup-links', null, box);
    link(a.dashboard_url, L_.popup.dashboard + ' →', links);
    if (FOCUS !== a.code) {
      links.appendChild(document.createTextNode(' '));
      link(a.map_url, L_.popup.zoom, links);
    }
    return box;
  }

  function legendSection(parent, title) {
    h('h3', null, title, parent);
    return h('ul', null, null, parent);
  }

  function legendItem(list, node, text) {
    var li = h('li', null, null, list);
    li.appendChild(node);
    h('span', null, text, li);
    return li;
  }

  function buildLegend(data, kinds, statuses, withAreas) {
    var labels = data.labels;
    var box = h('div', 'cm-legend');
    box.setAttribute('data-map-legend', '');
    h('h2', 'cm-legend-title', labels.legend.title, box);
    if (withAreas) {
      var rates = legendSection(box, labels.legend.rate);
      data.classes.forEach(function (c, i) {
        legendItem(rates, swatch(RATE_COLORS[i]), percentRange(c));
      });
      if (
        data.areas.some(function (a) {
          return a.rate_class === null;
        })
      )
        legendItem(rates, swatch(NO_VILLAGES), labels.legend.no_villages);
      var zones = legendSection(box, labels.legend.zones);
      legendItem(zones, swatch('url(#cm-hatch-legend)'), labels.zone_hatch);
      if (
        data.areas.some(function (a) {
          return zoneFill(a) === 'url(#cm-hatch-sparse)';
        })
      )
        legendItem(zones, swatch('url(#cm-hatch-sparse-legend)'), labels.zone_partial);
      legendItem(zones, swatch('#ffffff'), labels.zones.cremation);
      var unset = data.areas
        .filter(function (a) {
          return !a.funeral_zone;
        })
        .map(function (a) {
          return a.name;
        });
      if (unset.length) h('li', 'cm-legend-note', labels.zones.none + '：' + unset.join('、'), zones);
      if (
        !printMode &&
        data.focus &&
        data.areas.some(function (a) {
          return a.code === data.focus;
        })
      ) {
        var f = legendSection(box, labels.legend.focus);
        legendItem(
          f,
          swatch('none', '#111827', { 'stroke-width': '2.5' }),
          (
            data.areas.filter(function (a) {
              return a.code === data.focus;
            })[0] || {}
          ).name,
        );
      }
    }
    if (kinds.length) {
      var k = legendSection(box, labels.legend.kinds);
      kinds.forEach(function (kind) {
        legendItem(k, symbol(kind, 'operating', 16), labels.kinds[kind]);
      });
      var s = legendSection(box, labels.legend.statuses);
      ['operating', 'building', 'planned', 'closed'].forEach(function (st) {
        if (statuses.indexOf(st) >= 0) legendItem(s, symbol('neutral', st, 16), labels.statuses[st]);
      });
    }
    return box;
  }
})();
