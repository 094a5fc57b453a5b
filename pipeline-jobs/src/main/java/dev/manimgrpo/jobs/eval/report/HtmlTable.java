package dev.manimgrpo.jobs.eval.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An HTML table whose cells are escaped text unless they are {@link Html.Fragment}s: the HTML twin of
 * {@code TextTable}, so no caller writes a {@code <td>} (or forgets an escape) by hand.
 */
final class HtmlTable {

  private final String id;
  private final List<String> header;
  private final boolean[] numeric;
  private final List<List<Object>> rows = new ArrayList<>();
  private final List<String> rowIds = new ArrayList<>();

  /** @param id the table's element id (for tests and links), or null */
  HtmlTable(String id, String... header) {
    this.id = id;
    this.header = List.of(header);
    this.numeric = new boolean[header.length];
  }

  /** Right-aligns the given columns (numbers). */
  HtmlTable numeric(int... columns) {
    for (int c : columns) {
      numeric[c] = true;
    }
    return this;
  }

  HtmlTable add(Object... cells) {
    return addWithId(null, cells);
  }

  /** A row whose element id is {@code rowId} (an anchor to link to), or none when null. */
  HtmlTable addWithId(String rowId, Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("table " + id + " has " + header.size() + " columns, a row has "
          + cells.length);
    }
    rows.add(Arrays.asList(cells));
    rowIds.add(rowId);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  Html.Fragment render() {
    StringBuilder sb = new StringBuilder();
    sb.append(id == null ? "<table>" : "<table id=\"" + Html.esc(id) + "\">").append("\n<thead><tr>");
    for (int i = 0; i < header.size(); i++) {
      sb.append(numeric[i] ? "<th class=\"num\">" : "<th>").append(Html.esc(header.get(i))).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (int r = 0; r < rows.size(); r++) {
      String rowId = rowIds.get(r);
      sb.append(rowId == null ? "<tr>" : "<tr id=\"" + Html.esc(rowId) + "\">");
      List<Object> row = rows.get(r);
      for (int i = 0; i < row.size(); i++) {
        sb.append(numeric[i] ? "<td class=\"num\">" : "<td>").append(Html.cell(row.get(i))).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return new Html.Fragment(sb.append("</tbody>\n</table>\n").toString());
  }
}
