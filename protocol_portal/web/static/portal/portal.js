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

// Conditional reveals: a question that applies only to some answers of a radio question is
// shown only when one of those is chosen (GOV.UK conditional reveal, for a question that
// follows several options). Without JavaScript every question shows, each with its hint.
document.querySelectorAll('[data-reveal-name]').forEach((block) => {
  const name = block.getAttribute('data-reveal-name')
  const values = block.getAttribute('data-reveal-values').split(' ')
  const radios = document.querySelectorAll(`input[type=radio][name="${name}"]`)
  if (!block.id) block.id = `reveal-${name}-${values[0]}`
  const update = () => {
    const chosen = Array.from(radios).find((radio) => radio.checked)
    const show = Boolean(chosen && values.includes(chosen.value))
    // Never hide a question whose answer is in error: the error summary links to it.
    const inError = block.querySelector('.govuk-form-group--error')
    block.classList.toggle('portal-reveal--hidden', !show && !inError)
  }
  radios.forEach((radio) => {
    if (values.includes(radio.value)) {
      const controls = (radio.getAttribute('aria-controls') || '').split(' ').filter(Boolean)
      radio.setAttribute('aria-controls', [...controls, block.id].join(' '))
    }
    radio.addEventListener('change', update)
  })
  update()
})
