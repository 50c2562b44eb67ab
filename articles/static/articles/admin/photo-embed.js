// Photos from the library in the article body editor (django-prose-editor / Tiptap).
//
// A photo is stored as <figure data-photo="12" data-caption="…" data-alt="…"></figure>:
// a reference to the library's picture and credit, with this story's own caption
// and alt text, filled in from the library's when the photo is placed and edited
// under the picture. In the editor it is shown with the same HTML the article page
// renders (templates/articles/includes/photo_figure.html), fetched from the admin's
// photo library endpoint.
import { Extension, Node, crel } from "django-prose-editor/editor"

const PHOTO_ID = /^[1-9][0-9]*$/

// Photo id -> Promise of the photo (or null); filled by searches and look-ups.
const known = new Map()
const waiting = new Map()
let lookupTimer = null

const fetchPhotos = async (url, params) => {
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`Photo library answered ${response.status}`)
  const { photos } = await response.json()
  for (const photo of photos) known.set(String(photo.id), Promise.resolve(photo))
  return photos
}

// Look photos up by id, in one request for all the photos of a body.
const lookup = (url, id) => {
  if (known.has(id)) return known.get(id)
  const promise = new Promise((resolve) => waiting.set(id, resolve))
  known.set(id, promise)
  clearTimeout(lookupTimer)
  lookupTimer = setTimeout(async () => {
    const batch = new Map(waiting)
    waiting.clear()
    let photos = null
    try {
      photos = await fetchPhotos(url, { ids: [...batch.keys()].join(",") })
    } catch (error) {
      console.error(error)
      for (const id of batch.keys()) known.delete(id)
    }
    for (const [id, resolve] of batch) {
      // undefined: the library could not be asked; null: the photo is not in it.
      resolve(photos && (photos.find((photo) => String(photo.id) === id) || null))
    }
  }, 0)
  return promise
}

const showPhoto = (dom, preview, photo, id) => {
  dom.classList.toggle("photo-embed--missing", !photo)
  if (photo) {
    preview.innerHTML = photo.figure // rendered and escaped by Django's template
  } else if (photo === null) {
    preview.textContent = `Photo #${id} is no longer in the photo library. Remove it before saving.`
  } else {
    preview.textContent = `Photo #${id} could not be loaded; it is kept in the article.`
  }
}

// Shows this story's caption and alt text in the figure the page renders.
const showUse = (preview, photo, caption, alt) => {
  const figure = preview.querySelector("figure")
  if (!figure) return
  for (const img of figure.querySelectorAll("img")) img.alt = alt
  let figcaption = figure.querySelector("figcaption")
  if (!figcaption) figcaption = figure.appendChild(crel("figcaption"))
  let span = figcaption.querySelector(".inline-photo__caption")
  if (!span) span = figcaption.insertBefore(crel("span", { className: "inline-photo__caption" }), figcaption.firstChild)
  span.textContent = caption
  span.hidden = !caption
  figcaption.hidden = !caption && !photo.credit
}

const textField = (tag, label, className) => {
  const input = crel(tag, { className })
  if (tag === "input") input.type = "text"
  else input.rows = 2
  return [crel("label", {}, [crel("span", { textContent: label }), input]), input]
}

const openLibrary = (editor, url) => {
  const search = crel("input", {
    type: "search",
    name: "q",
    placeholder: "Search captions, alt text, credits",
    className: "vTextField",
  })
  search.setAttribute("aria-label", "Search the photo library")
  const results = crel("div", { className: "photo-library__results" })
  const status = crel("p", { className: "photo-library__status" })
  status.setAttribute("role", "status")
  const close = crel("button", { type: "button", textContent: "Cancel" })
  const dialog = crel("dialog", { className: "photo-library" }, [
    crel("form", { method: "dialog" }, [
      crel("h2", { textContent: "Insert a photo from the library" }),
      search,
      status,
      results,
      crel("div", { className: "photo-library__buttons" }, [close]),
    ]),
  ])
  dialog.setAttribute("aria-label", "Photo library")

  const choose = (photo) => {
    dialog.close()
    editor.chain().focus().insertPhoto(photo).run()
  }

  const show = (photos) => {
    results.replaceChildren(
      ...photos.map((photo) => {
        const button = crel("button", { type: "button", className: "photo-library__photo" }, [
          photo.thumbnail
            ? crel("img", { src: photo.thumbnail, alt: "", loading: "lazy" })
            : crel("span", { className: "photo-library__none", textContent: "No renditions yet" }),
          crel("span", { className: "photo-library__caption", textContent: photo.caption || photo.alt || `Photo #${photo.id}` }),
          crel("span", { className: "photo-library__credit", textContent: photo.credit }),
        ])
        button.addEventListener("click", () => choose(photo))
        return button
      }),
    )
    status.textContent = photos.length ? "" : "No photos found."
  }

  let searchTimer = null
  let latest = 0
  const run = () => {
    const ticket = ++latest
    status.textContent = "Searching…"
    fetchPhotos(url, { q: search.value.trim() })
      .then((photos) => ticket === latest && show(photos))
      .catch(() => {
        if (ticket === latest) status.textContent = "The photo library could not be reached."
      })
  }
  search.addEventListener("input", () => {
    clearTimeout(searchTimer)
    searchTimer = setTimeout(run, 250)
  })
  dialog.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault() // Enter searches at once instead of closing
    clearTimeout(searchTimer)
    run()
  })
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())

  // Outside the article form, so that its buttons and Enter never submit the article.
  document.body.append(dialog)
  dialog.showModal()
  run()
}

// Gives the editing area the article page's body class, so that it is styled by the
// same stylesheet (articles/article-body.css) as the page readers see.
export const ArticleBody = Extension.create({
  name: "articleBody",
  onCreate() {
    this.editor.setOptions({ editorProps: { attributes: { class: "article__body" } } })
  },
})

export const PhotoEmbed = Node.create({
  name: "photoEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { libraryUrl: "" }
  },

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
      // null: never set for this use (an older body), the library's is shown.
      caption: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-caption"),
        renderHTML: (attributes) =>
          attributes.caption == null ? {} : { "data-caption": attributes.caption },
      },
      alt: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-alt"),
        renderHTML: (attributes) => (attributes.alt == null ? {} : { "data-alt": attributes.alt }),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-photo]",
        getAttrs: (element) =>
          PHOTO_ID.test(element.getAttribute("data-photo") || "") ? null : false,
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    const url = this.options.libraryUrl
    return ({ node, getPos, editor }) => {
      let current = node
      let library = null
      const id = String(node.attrs.photo)
      const preview = crel("div", { className: "photo-embed__preview", textContent: "Loading photo…" })
      const [captionLabel, caption] = textField("textarea", "Caption in this story", "vLargeTextField")
      const [altLabel, alt] = textField("input", "Alt text in this story: what the picture shows", "vTextField")
      alt.maxLength = 250
      const fields = crel("div", { className: "photo-embed__fields" }, [captionLabel, altLabel])
      fields.hidden = true
      const dom = crel("div", { className: "photo-embed", "data-photo": id }, [preview, fields])
      dom.contentEditable = "false"

      const show = () => {
        if (!library) return
        const text = (name, fallback) => current.attrs[name] ?? fallback ?? ""
        if (document.activeElement !== caption) caption.value = text("caption", library.caption)
        if (document.activeElement !== alt) alt.value = text("alt", library.alt)
        showUse(preview, library, caption.value, alt.value)
      }
      const edit = (name, value) => {
        const pos = getPos()
        if (typeof pos !== "number") return
        const attrs = { ...current.attrs, [name]: value }
        editor.view.dispatch(editor.view.state.tr.setNodeMarkup(pos, undefined, attrs))
      }
      caption.addEventListener("input", () => edit("caption", caption.value))
      alt.addEventListener("input", () => edit("alt", alt.value))
      lookup(url, id).then((photo) => {
        library = photo
        showPhoto(dom, preview, photo, id)
        fields.hidden = !photo
        show()
      })
      return {
        dom,
        update: (updated) => {
          if (updated.type !== current.type || String(updated.attrs.photo) !== id) return false
          current = updated
          show()
          return true
        },
        // Typing, clicks and paste in the caption and alt text fields are theirs.
        stopEvent: (event) => fields.contains(event.target),
        ignoreMutation: () => true,
      }
    }
  },

  addCommands() {
    return {
      // Puts the photo after the paragraph the cursor is in (or in place of an empty
      // one) and leaves the cursor in the paragraph after it, so typing goes on
      // below the photo instead of replacing it.
      // The photo (as the library endpoint gives it) comes with the library's
      // caption and alt text, which become this use's own.
      insertPhoto:
        (chosen) =>
        ({ state, tr, dispatch, commands }) => {
          const photo = state.schema.nodes[this.name].create({
            photo: String(chosen.id),
            caption: chosen.caption ?? "",
            alt: chosen.alt ?? "",
          })
          const { selection } = state
          const { $from } = selection
          const inText = $from.depth > 0 && $from.parent.isTextblock
          const replaceEmpty = inText && $from.parent.content.size === 0
          const at = !inText ? selection.to : replaceEmpty ? $from.before() : $from.after()
          if (!dispatch) return true
          if (replaceEmpty) tr.replaceWith(at, $from.after(), photo)
          else tr.insert(at, photo)
          const after = at + photo.nodeSize
          if (!tr.doc.resolve(after).nodeAfter?.isTextblock) {
            tr.insert(after, state.schema.nodes.paragraph.create())
          }
          return commands.setTextSelection(after + 1)
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    const url = this.options.libraryUrl
    menu.defineItem({
      name: "photoEmbed",
      groups: "nodes",
      command: (editor) => openLibrary(editor, url),
      button: buttons.material("add_photo_alternate", "Insert a photo from the library"),
    })
  },
})
