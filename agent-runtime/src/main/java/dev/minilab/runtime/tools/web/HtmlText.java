package dev.minilab.runtime.tools.web;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/** Turns HTML into readable text: scripts and styles dropped, block elements on their own lines, whitespace tidied. */
public final class HtmlText {

    private HtmlText() {
    }

    /** The page's title (if any) and its visible text. */
    public static String toText(String html, String baseUri) {
        Document doc = Jsoup.parse(html, baseUri);
        doc.select("script, style, noscript, template, svg, iframe, object, embed, head > meta, link").remove();
        StringBuilder out = new StringBuilder();
        String title = doc.title();
        if (!title.isBlank()) {
            out.append("# ").append(title.strip()).append("\n\n");
        }
        doc.body().traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    String t = text.getWholeText();
                    boolean pre = node.parent() instanceof Element parent && parent.tagName().equals("pre");
                    out.append(pre ? t : t.replaceAll("\\s+", " "));
                } else if (node instanceof Element e) {
                    if (e.tagName().equals("br")) {
                        out.append('\n');
                    } else if (e.tagName().equals("li")) {
                        out.append("\n- ");
                    } else if (e.isBlock()) {
                        out.append('\n');
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && e.isBlock()) {
                    out.append('\n');
                }
            }
        });
        return out.toString().replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n[ \\t]+", "\n")
                .replaceAll("\\n{3,}", "\n\n").replaceAll("\\n\\n(?=- )", "\n").strip();
    }
}
