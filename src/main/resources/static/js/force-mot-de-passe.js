// Live strength indicator of the password page. The server computes the same level on submit
// (PasswordPolicy.strength), so the page works without JavaScript; this only shows it while typing.
// #force is a polite, atomic live region: screen readers announce « Niveau indicatif de sécurité : moyen »
// when the level changes, and only then (not at every key).
(function () {
  var input = document.getElementById('motDePasse');
  var out = document.querySelector('#force strong');
  if (!input || !out) { return; }
  var allowed = /^[A-Za-z0-9?!$%@&()\-+_*\/<>.,;:]*$/;
  function level(p) {
    if (p.length < 8 || p.length > 50 || !allowed.test(p) || !/[a-z]/.test(p) || !/[A-Z]/.test(p)
        || !/[0-9?!$%@&()\-+_*\/<>.,;:]/.test(p)) { return 'faible'; }
    var classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[?!$%@&()\-+_*\/<>.,;:]/].filter(function (r) { return r.test(p); }).length;
    if (p.length >= 16 || (p.length >= 12 && classes === 4)) { return 'eleve'; }
    if ((p.length >= 12 && classes >= 3) || (p.length >= 10 && classes === 4)) { return 'moyen'; }
    return 'faible';
  }
  var labels = { faible: 'faible', moyen: 'moyen', eleve: 'élevé' };
  input.addEventListener('input', function () {
    var l = input.value ? level(input.value) : '';
    var text = l ? labels[l] : '—';
    if (out.textContent !== text) {
      out.textContent = text;
      out.className = l ? 'force-' + l : '';
    }
  });
})();
