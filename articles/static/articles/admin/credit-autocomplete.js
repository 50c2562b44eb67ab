'use strict';
{
  const $ = django.jQuery;

  function init(element) {
    $(element).select2({
      tags: true,
      allowClear: true,
      placeholder: element.dataset.placeholder,
      ajax: {
        url: element.dataset.autocompleteUrl,
        dataType: 'json',
        delay: 200,
        data: (params) => ({term: params.term || '', part: element.dataset.part}),
        processResults: (data) => ({
          results: data.results.map((name) => ({id: name, text: name})),
        }),
      },
    });
  }

  $(function() {
    $('select.credit-autocomplete').each(function() { init(this); });
  });
}
