// Progressive enhancement only: every page works without this file.
// Loaded as a module from our own origin, so the CSP can stay `script-src 'self'` with no inline
// script: the body classes GOV.UK Frontend's own template sets inline are set here instead.
import { initAll as initGovukFrontend } from '../govuk/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../moj/moj-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initGovukFrontend()
initMojFrontend()
