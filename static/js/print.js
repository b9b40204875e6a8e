// Print buttons (the day board): shown only where scripts run, since printing needs window.print and the strict
// CSP allows no inline handlers. Without scripts the page says to use the browser's print command instead.
document.querySelectorAll('[data-print]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
document.querySelectorAll('[data-print-hint]').forEach((hint) => {
  hint.hidden = true;
});

// Folded sections (<details>) print open, whichever way printing starts: paper can't be clicked.
const reopened = [];
window.addEventListener('beforeprint', () => {
  document.querySelectorAll('details:not([open])').forEach((d) => {
    d.open = true;
    reopened.push(d);
  });
});
window.addEventListener('afterprint', () => {
  reopened.splice(0).forEach((d) => {
    d.open = false;
  });
});
