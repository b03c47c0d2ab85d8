// The API docs page: Swagger UI (served by the stack from node_modules) on this stack's
// /openapi.json, plus a sign-in form that gets a token from the local issuer and authorizes with it.
// Plain script, no build step: the stack serves this file as it is.
'use strict';

/** The OpenAPI document's security scheme (components.securitySchemes). */
const SCHEME = 'bearerAuth';

const ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  // The token survives a reload (localStorage), as a signed-in Postman environment would.
  persistAuthorization: true,
  displayRequestDuration: true,
  // Swagger UI would send the document to validator.swagger.io: nothing leaves this machine.
  validatorUrl: null,
});

const form = document.getElementById('sign-in');
const status = document.getElementById('signed-in');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = document.getElementById('username').value.trim();
  status.className = '';
  status.textContent = 'signing in…';
  try {
    const response = await fetch('/_local/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || `${response.status}`);
    ui.preauthorizeApiKey(SCHEME, body.token);
    status.textContent = `authorized as ${username} (sub ${body.sub})`;
  } catch (error) {
    status.className = 'failed';
    status.textContent = `sign-in failed: ${error.message}`;
  }
});
