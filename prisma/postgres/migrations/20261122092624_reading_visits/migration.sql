-- CreateTable
CREATE TABLE "ReadingVisit" (
    "userId" TEXT NOT NULL,
    "readingId" TEXT NOT NULL,
    "revisionNumber" INTEGER NOT NULL,
    "visitedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReadingVisit_pkey" PRIMARY KEY ("userId","readingId")
);

-- AddForeignKey
ALTER TABLE "ReadingVisit" ADD CONSTRAINT "ReadingVisit_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReadingVisit" ADD CONSTRAINT "ReadingVisit_readingId_fkey" FOREIGN KEY ("readingId") REFERENCES "Reading"("id") ON DELETE CASCADE ON UPDATE CASCADE;
