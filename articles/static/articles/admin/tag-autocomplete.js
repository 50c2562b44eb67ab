'use strict';
{
  const $ = django.jQuery;

  // Select2 draws its search box anew as tags change: it is named each time.
  function name(element) {
    const label = $(`label[for="${element.id}"]`).text().replace(/:$/, '') || 'Tags';
    $(element).next('.select2').find('.select2-search__field').attr('aria-label', label);
  }

  function init(element) {
    $(element).on('change select2:open select2:close', () => name(element));
    setTimeout(() => name(element));
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
    name(element);
  }

  $(function() {
    $('select.tag-autocomplete').each(function() { init(this); });
  });
}
