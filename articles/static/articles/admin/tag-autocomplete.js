'use strict';
{
  const $ = django.jQuery;

  function init(element) {
    $(element).select2({
      tags: true,
      tokenSeparators: [','],
      ajax: {
        url: element.dataset.autocompleteUrl,
        dataType: 'json',
        delay: 250,
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: element.dataset.appLabel,
          model_name: element.dataset.modelName,
          field_name: element.dataset.fieldName,
        }),
        // Tags are submitted by name so that new ones can be typed in.
        processResults: (data) => ({
          results: data.results.map((tag) => ({id: tag.text, text: tag.text})),
          pagination: data.pagination,
        }),
      },
    });
  }

  $(function() {
    $('select.tag-autocomplete').each(function() { init(this); });
  });
}
