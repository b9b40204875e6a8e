// Region picker: refills the lower-level selects (county → township → village) from /api/v1/regions/<code> as the user picks.
(function () {
  'use strict';

  const LEVELS = ['province', 'city', 'county', 'township', 'village'];
  const DEFAULT_LABELS = {
    province: '省',
    city: '市',
    county: '区县',
    township: '乡镇（街道）',
    village: '村（社区）',
  };

  function labelFor(picker, level) {
    return picker.getAttribute('data-label-' + level) || DEFAULT_LABELS[level] || level;
  }

  function buildField(picker, prefix, level, children) {
    const id = prefix + '__' + level;
    const field = document.createElement('div');
    field.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = labelFor(picker, level);
    const select = document.createElement('select');
    select.id = id;
    select.name = id;
    select.setAttribute('data-level', level);
    select.add(new Option(picker.getAttribute('data-empty-label') || '请选择', ''));
    for (const child of children) {
      const name = child.level === 'village' && child.kind === 'community' ? child.name + '（社区）' : child.name;
      select.add(new Option(name, child.code));
    }
    field.append(label, select);
    return field;
  }

  function init(picker) {
    const maxLevel = picker.getAttribute('data-max-level') || 'village';
    const maxIndex = LEVELS.indexOf(maxLevel) === -1 ? LEVELS.length - 1 : LEVELS.indexOf(maxLevel);
    let generation = 0; // ignores responses that arrive after a newer change

    function announce() {
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    }

    picker.addEventListener('change', async (event) => {
      const select = event.target;
      if (!(select instanceof HTMLSelectElement) || !select.hasAttribute('data-level')) return;
      const index = LEVELS.indexOf(select.getAttribute('data-level'));
      if (index === -1) return;
      const current = ++generation;

      // Drop every select (with its .field wrapper) for deeper levels.
      for (const other of picker.querySelectorAll('select[data-level]')) {
        if (LEVELS.indexOf(other.getAttribute('data-level')) > index) (other.closest('.field') || other).remove();
      }

      const code = select.value;
      if (!code || index >= maxIndex) return announce();

      let region;
      try {
        const response = await fetch('/api/v1/regions/' + encodeURIComponent(code), {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!response.ok) throw new Error('HTTP ' + response.status);
        region = await response.json();
      } catch {
        if (current === generation) announce();
        return; // quietly leave things as they are
      }
      if (current !== generation || select.value !== code) return;

      const children = Array.isArray(region && region.children) ? region.children : [];
      const childLevel = children.length ? children[0].level : '';
      if (children.length && LEVELS.indexOf(childLevel) > index && LEVELS.indexOf(childLevel) <= maxIndex) {
        const prefix = select.name.includes('__') ? select.name.slice(0, select.name.lastIndexOf('__')) : select.name;
        const anchor = select.closest('.field') || select;
        anchor.after(buildField(picker, prefix, childLevel, children));
      }
      announce();
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    for (const picker of document.querySelectorAll('[data-region-picker]')) init(picker);
  });
})();
