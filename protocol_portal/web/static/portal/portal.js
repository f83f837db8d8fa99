// Progressive enhancement only: every page works without this file.
// Loaded as a module from our own origin, so the CSP can stay `script-src 'self'` with no inline
// script: the body classes GOV.UK Frontend's own template sets inline are set here instead.
import { createAll, initAll as initGovukFrontend } from '../govuk/govuk-frontend.min.js'
import { FilterToggleButton, initAll as initMojFrontend } from '../moj/moj-frontend.min.js'
// A UMD bundle: imported for its side effect, it defines window.accessibleAutocomplete.
import '../autocomplete/accessible-autocomplete.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initGovukFrontend()
initMojFrontend()
// MoJ's initAll leaves the filter toggle out: a list's filters (data-module="moj-filter") start
// hidden behind "Show filter" on a phone and are always shown on a wider screen.
createAll(FilterToggleButton)

// A long list of people or posts (35–50 in a council) becomes a type-ahead over the same
// <select>: the select stays in the form and is what is submitted. A select opts in with
// data-portal-autocomplete, or by being long; a list's filters keep their plain selects.
const LONG_LIST = 20
const enhance = window.accessibleAutocomplete && window.accessibleAutocomplete.enhanceSelectElement
if (enhance) {
  document.querySelectorAll('select.govuk-select').forEach((select) => {
    const wanted = select.hasAttribute('data-portal-autocomplete') ||
      (select.options.length > LONG_LIST && !select.closest('.moj-filter') && !select.multiple)
    if (!wanted) return
    enhance({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      tNoResults: () => 'No one matches that: check the spelling, or type part of a name or post'
    })
  })
}
