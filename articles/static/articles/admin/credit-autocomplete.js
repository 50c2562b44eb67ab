'use strict';
{
  const $ = django.jQuery;

  function init(element) {
    $(element).select2({
      tags: true,
      // What is typed comes after the spellings in use, so Enter on "Harbour"
      // picks "Harbour Light Images"; a name in use is never offered twice.
      insertTag: (data, tag) => {
        const typed = tag.text.trim().toLowerCase();
        if (!data.some((item) => item.text.toLowerCase() === typed)) {
          data.push(tag);
        }
      },
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
