// « Afficher » button beside each password field (the show/hide control of the ameli guides). The script adds
// it, so that a page without JavaScript shows no button that would do nothing. It is a real toggle button
// (<button type="button" aria-pressed>), named after its field, that screen readers announce as « Afficher :
// Nouveau mot de passe, bouton bascule, non enfoncé ». The field becomes a password field again before the
// form is sent, so that no browser keeps the value as plain text.
(function () {
  var fields = document.querySelectorAll('input[type="password"][id]');
  Array.prototype.forEach.call(fields, function (input) {
    var label = document.querySelector('label[for="' + input.id + '"]');
    var name = label ? label.textContent.replace(/[*:]/g, '').replace(/\s+/g, ' ').trim() : '';

    var wrapper = document.createElement('div');
    wrapper.className = 'saisie-mot-de-passe';
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'afficher-mot-de-passe';
    button.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-controls', input.id);
    button.appendChild(document.createTextNode('Afficher'));
    if (name) {
      var context = document.createElement('span');
      context.className = 'visuellement-cache';
      context.textContent = ' : ' + name;
      button.appendChild(context);
    }
    wrapper.appendChild(button);

    button.addEventListener('click', function () {
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.setAttribute('aria-pressed', show ? 'true' : 'false');
    });
    if (input.form) {
      input.form.addEventListener('submit', function () {
        input.type = 'password';
        button.setAttribute('aria-pressed', 'false');
      });
    }
  });
})();
