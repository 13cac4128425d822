import { describe, expect, it } from "vitest";
import { placeMargins } from "./margin-layout.ts";

describe("placeMargins", () => {
  it("puts each margin at its passage when there is room", () => {
    expect(placeMargins([{ anchor: 0, height: 20 }, { anchor: 100, height: 20 }, { anchor: 200, height: 20 }], null, 8)).toEqual([0, 100, 200]);
  });

  it("pushes a margin down below the one before it when they would overlap", () => {
    expect(placeMargins([{ anchor: 0, height: 150 }, { anchor: 100, height: 20 }, { anchor: 120, height: 20 }], null, 8)).toEqual([0, 158, 186]);
  });

  it("keeps the open card at its anchor and moves the ones before it up, never above the top", () => {
    const boxes = [
      { anchor: 0, height: 20 },
      { anchor: 40, height: 20 },
      { anchor: 60, height: 300 },
      { anchor: 80, height: 20 },
    ];
    // Open: the third (index 2) stays at 60; the second moves up to end before it; the first stays above.
    expect(placeMargins(boxes, 2, 8, 0)).toEqual([0, 32, 60, 368]);
    // Crowded above: the ones before are pushed up, never above the top of the text, and the open
    // card gives way as little as it must; none overlap.
    expect(placeMargins([{ anchor: 10, height: 40 }, { anchor: 20, height: 40 }, { anchor: 30, height: 100 }], 2, 8, 0)).toEqual([0, 48, 96]);
  });
});
