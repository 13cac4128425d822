/**
 * A lesson's passages as a strip of bars (one row per passage, in reading order): how many members
 * read each, with comments, "confused" reactions and open questions marked. Drawn as SVG with a
 * title and description, and followed by the same numbers as a table (the text alternative).
 */
import type { HeatPassage } from "~/models/progress.server.ts";

const ROW = 18;
const LABEL = 44;
const BAR = 260;
const MARKS = 120;

export function PassageHeatmap({ day, passages, members }: { day: number; passages: HeatPassage[]; members: number }) {
  const height = Math.max(ROW, passages.length * ROW);
  const width = LABEL + BAR + MARKS;
  const most = Math.max(1, members);
  const titleId = `heatmap-title-${day}`;
  const descId = `heatmap-desc-${day}`;
  const hot = passages.filter((passage) => passage.confused > 0 || passage.openQuestions > 0).length;
  return (
    <figure className="passage-heatmap">
      <svg role="img" aria-labelledby={`${titleId} ${descId}`} viewBox={`0 0 ${width} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
        <title id={titleId}>{`Day ${day}: reading and discussion per passage`}</title>
        <desc id={descId}>
          {`${passages.length} passages; bar length is the share of the ${members} members who read each passage. ${hot} passage${hot === 1 ? "" : "s"} with confused reactions or open questions. The table below has the numbers.`}
        </desc>
        {passages.map((passage, index) => {
          const y = index * ROW;
          const share = Math.min(1, passage.reads / most);
          return (
            <g key={`${passage.readingTitle}-${passage.key}`} transform={`translate(0 ${y})`}>
              <title>{`Passage ${index + 1}: read by ${passage.reads} of ${members}; ${passage.comments} comments, ${passage.confused} confused, ${passage.openQuestions} open questions`}</title>
              <text x={0} y={ROW - 5} className="heat-label">
                {index + 1}
              </text>
              <rect x={LABEL} y={2} width={BAR} height={ROW - 4} className="heat-track" />
              <rect x={LABEL} y={2} width={Math.max(share > 0 ? 2 : 0, share * BAR)} height={ROW - 4} className="heat-bar" style={{ opacity: 0.35 + 0.65 * share }} />
              {passage.comments > 0 ? (
                <circle cx={LABEL + BAR + 12} cy={ROW / 2} r={Math.min(7, 3 + passage.comments)} className="heat-comments" />
              ) : null}
              {passage.confused > 0 ? <text x={LABEL + BAR + 26} y={ROW - 5} className="heat-confused">{`? ${passage.confused}`}</text> : null}
              {passage.openQuestions > 0 ? <text x={LABEL + BAR + 62} y={ROW - 5} className="heat-open">{`Q ${passage.openQuestions}`}</text> : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <details>
          <summary>Numbers for each passage</summary>
          <table className="heatmap-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Passage</th>
                <th scope="col">Read by</th>
                <th scope="col">Comments</th>
                <th scope="col">Confused</th>
                <th scope="col">Open questions</th>
              </tr>
            </thead>
            <tbody>
              {passages.map((passage, index) => (
                <tr key={`${passage.readingTitle}-${passage.key}`}>
                  <td>{index + 1}</td>
                  <th scope="row">{passage.excerpt}</th>
                  <td>
                    {passage.reads} of {members}
                  </td>
                  <td>{passage.comments}</td>
                  <td>{passage.confused}</td>
                  <td>{passage.openQuestions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
