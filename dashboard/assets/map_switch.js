/*
 * An indicator switch on the map that keeps its shapes: the server sends the view as
 * numbers (dashboard.map_figure.switch_data); this writes the colour index, the hover
 * texts and the titles into the map the browser holds, the same texts the server writes
 * for a whole map (dashboard.map_figure.map_custom, dashboard/fmt.py):
 *
 *   [name, value, interval, n, class or kind of missing, flag]
 *
 * Names are those of the map drawn (they never travel again).  Numbers are written as
 * Python's f"{x:,.1f}" writes them (correctly rounded, an exact tie to the even digit),
 * with the language's separators (nl: 1.234,5; en: 1,234.5); '–' where missing.
 * Also loaded by tests/test_map_switch.py in Node, which compares it with the server.
 */
(function (root) {
  "use strict";

  var MISSING = "\u2013";

  /* A plotly binary array ({dtype, bdata}, little-endian) as a typed array. */
  function unpack(spec) {
    var text = atob(spec.bdata);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    var Kind = { f8: Float64Array, u1: Uint8Array }[spec.dtype];
    return new Kind(bytes.buffer);
  }

  /* Digits of |x| with `digits` decimals, correctly rounded, an exact tie to even. */
  function fixed(x, digits) {
    var scaled = x * Math.pow(2, digits + 1); // exact: a tie is an odd multiple of 2^-(d+1)
    if (Number.isInteger(scaled) && scaled % 2 === 1) {
      var whole = Math.floor(x * Math.pow(10, digits)); // exact for a tie
      if (whole % 2 === 1) {
        whole += 1;
      }
      return (whole / Math.pow(10, digits)).toFixed(digits);
    }
    return x.toFixed(digits); // exact decimal expansion, ties (none left) aside
  }

  /* Thousands separators, then the language's: Python's "{:,}" localised. */
  function grouped(text, lang) {
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var out = parts.join(".");
    if (lang === "nl") {
      out = out.replace(/[,.]/g, function (c) {
        return c === "," ? "." : ",";
      });
    }
    return out;
  }

  /* dashboard.fmt.number: one decimal, '–' for missing. */
  function number(x, lang) {
    if (x === null || x === undefined || Number.isNaN(x)) {
      return MISSING;
    }
    var negative = x < 0 || Object.is(x, -0);
    return (negative ? "-" : "") + grouped(fixed(Math.abs(x), 1), lang);
  }

  /* dashboard.fmt.count_texts: the gate's count texts, numbers with separators. */
  function countText(text, lang) {
    return /^[0-9]+$/.test(text) ? grouped(String(parseInt(text, 10)), lang) : String(text);
  }

  /* The hover rows of a view (see above), names from `names` (one per area). */
  function hoverRows(view, names) {
    var z = unpack(view.z);
    var value = unpack(view.value);
    var low = unpack(view.low);
    var high = unpack(view.high);
    var flag = unpack(view.flag);
    var lang = view.lang;
    var rows = new Array(z.length);
    for (var i = 0; i < z.length; i++) {
      var lo = number(low[i], lang);
      var hi = number(high[i], lang);
      rows[i] = [
        names[i],
        number(value[i], lang),
        lo === MISSING || hi === MISSING ? MISSING : lo + " " + MISSING + " " + hi,
        countText(view.n[i], lang),
        view.classes[z[i]],
        view.flags[flag[i]],
      ];
    }
    return { z: Array.from(z), rows: rows };
  }

  /* The map with the view written in (no update when it is not the map drawn). */
  function switchView(view, figure) {
    var no = root.dash_clientside.no_update;
    if (!view || !figure || !figure.data || !figure.data.length) {
      return no;
    }
    var areas = figure.data[0];
    var held = areas.customdata || [];
    if (held.length !== view.n.length) {
      return no;
    }
    var names = held.map(function (row) {
      return row[0];
    });
    var written = hoverRows(view, names);
    var data = figure.data.slice();
    data[0] = Object.assign({}, areas, {
      z: written.z,
      customdata: written.rows,
      hovertemplate: view.hovertemplate,
    });
    var title = Object.assign({}, figure.layout.title, { text: view.title });
    title.subtitle = Object.assign({}, title.subtitle, { text: view.source });
    var layout = Object.assign({}, figure.layout, { title: title });
    return Object.assign({}, figure, { data: data, layout: layout });
  }

  root.dash_clientside = Object.assign({}, root.dash_clientside, {
    unease_map: { switch_view: switchView, hover_rows: hoverRows, number: number },
  });
})(typeof window !== "undefined" ? window : globalThis);
