// Why the customer called: the call's contact reasons (call page), the primary first, each
// with its confidence and the rules that held (a quote to jump to, or the metadata).
import { clock, el } from "./api.js";
import { percent, t } from "./i18n.js";

/** The reasons card for `call`; `seek(seconds)` plays from a quote. */
export function reasonsCard(call, seek) {
  const reasons = call.reasons || [];
  return el("section", { class: "card", id: "reasons" }, el("h2", {}, t("call.reasons")),
    reasons.length === 0 ? el("p", { class: "muted" }, t("call.no_reason")) :
      el("ul", { class: "flags reasons" }, reasons.map((r) =>
        el("li", { dataset: { code: r.code, primary: r.primary ? "true" : "false" } },
          el("b", { title: r.code }, `${r.category_title}: ${r.title}`), " ",
          el("span", { class: "muted" }, t("call.reason_confidence", { confidence: percent(r.confidence, 0) })),
          r.primary ? [" ", el("span", { class: "badge primary" }, t("call.reason_primary"))] : null,
          r.complaint ? [" ", el("span", { class: "badge complaint" }, t("call.reason_complaint"))] : null,
          el("ul", { class: "evidence" }, r.evidence.map((ev) => el("li", {},
            ev.start === null || ev.start === undefined ? el("span", { class: "muted" }, ev.explanation)
              : el("button", { type: "button", class: "link seek", dataset: { start: ev.start },
                               onclick: () => seek(ev.start) },
                `▶ ${clock(ev.start)}`, ev.quote ? ` “${ev.quote}”` : ` ${ev.explanation}`))))))),
    call.product ? el("p", { class: "muted", id: "call-product" }, t("call.product", { product: call.product_title || call.product })) : null,
    call.repeat_of ? el("p", { id: "call-repeat-of" }, el("a", { href: `#/calls/${encodeURIComponent(call.repeat_of)}` }, t("call.repeat_of"))) : null,
    call.customer_calls ? el("p", {}, el("a", { id: "call-customer", href: `#/customer?call=${encodeURIComponent(call.id)}` },
                                         t("call.customer_calls", { count: call.customer_calls }))) : null);
}
