/**
 * API tokens of the logged-in ISP user: list, create (the secret is shown once, on the page
 * that answers the creating post, and never again), revoke. Another user's token id is
 * not found.
 */
import type { ApiTokenStore } from '../../store/roles/api-tokens.ts';
import { issueApiToken, maxTokenLabelLength } from '../auth/tokens.ts';
import { html } from '../html.ts';
import { errorResponse, redirect } from '../responses.ts';
import type { Route, ServerDeps, WebRequest } from '../route-types.ts';
import { positiveId } from './data.ts';
import { portalTexts } from './texts.ts';
import { portalPage, shortTime } from './view.ts';

async function tokensPage(deps: ServerDeps<ApiTokenStore>, request: WebRequest, created?: string) {
  const texts = portalTexts[request.locale];
  const tokens = await deps.store.listApiTokens({ userId: request.principal!.userId });
  const body = html`${created ? html`<section class="token-created" role="status"><h2>${texts.tokenCreated}</h2><p><code class="secret">${created}</code></p><p>${texts.tokenShownOnce}</p></section>` : ''}
<p>${texts.tokenHelp}</p>
${
  tokens.length === 0
    ? ''
    : html`<table class="tokens"><thead><tr><th>${texts.tokenLabel}</th><th>${texts.created}</th><th>${texts.tokenLastUsed}</th><th></th></tr></thead>
<tbody>${tokens.map(
        (token) =>
          html`<tr><td>${token.label}</td><td>${shortTime(token.createdAt)}</td><td>${token.lastUsedAt ? shortTime(token.lastUsedAt) : texts.never}</td><td>${
            token.revokedAt
              ? html`${texts.tokenRevoked} ${shortTime(token.revokedAt)}`
              : html`<form method="post" action="/portal/tokens/${token.id}/revoke"><input type="hidden" name="csrf" value="${request.csrfToken ?? ''}"><button type="submit">${texts.tokenRevoke}</button></form>`
          }</td></tr>`,
      )}</tbody></table>`
}
<h2>${texts.tokenCreate}</h2>
<form method="post" action="/portal/tokens">
<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">
<label>${texts.tokenLabel} <input name="label" required maxlength="${maxTokenLabelLength}"></label>
<button type="submit">${texts.tokenCreate}</button>
</form>`;
  return portalPage(request, { title: texts.tokens, current: '/portal/tokens', body, status: created ? 201 : 200 });
}

/** @example const routes = tokenRoutes(deps) */
export function tokenRoutes(deps: ServerDeps<ApiTokenStore>): Route[] {
  return [
    { method: 'GET', path: '/portal/tokens', access: 'isp', handle: (request) => tokensPage(deps, request) },
    {
      method: 'POST',
      path: '/portal/tokens',
      access: 'isp',
      async handle(request) {
        const label = (await request.form()).get('label') ?? '';
        const { token } = await issueApiToken(deps.store, request.principal!.userId, label, deps.now());
        return tokensPage(deps, request, token);
      },
    },
    {
      method: 'POST',
      path: '/portal/tokens/:id/revoke',
      access: 'isp',
      async handle(request) {
        const id = positiveId(request.params.id);
        const revoked = id !== undefined && (await deps.store.revokeApiToken(id, deps.now().toISOString(), { userId: request.principal!.userId }));
        return revoked ? redirect('/portal/tokens') : errorResponse(request, 404);
      },
    },
  ];
}
