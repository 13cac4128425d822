-- CreateTable
CREATE TABLE "ReadingVisit" (
    "userId" TEXT NOT NULL,
    "readingId" TEXT NOT NULL,
    "revisionNumber" INTEGER NOT NULL,
    "visitedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "readingId"),
    CONSTRAINT "ReadingVisit_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReadingVisit_readingId_fkey" FOREIGN KEY ("readingId") REFERENCES "Reading" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
