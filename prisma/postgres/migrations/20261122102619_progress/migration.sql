-- CreateTable
CREATE TABLE "PassageRead" (
    "userId" TEXT NOT NULL,
    "readingId" TEXT NOT NULL,
    "passageKey" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "dwellMs" INTEGER NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL,
    "localDay" TEXT NOT NULL,

    CONSTRAINT "PassageRead_pkey" PRIMARY KEY ("userId","readingId","passageKey")
);

-- CreateTable
CREATE TABLE "LessonProgress" (
    "userId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "readCount" INTEGER NOT NULL DEFAULT 0,
    "doneAt" TIMESTAMP(3),
    "lastPassageKey" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LessonProgress_pkey" PRIMARY KEY ("userId","lessonId")
);

-- CreateTable
CREATE TABLE "ReadingDay" (
    "userId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReadingDay_pkey" PRIMARY KEY ("userId","day")
);

-- CreateTable
CREATE TABLE "ProgressPreference" (
    "userId" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "shareProgress" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "ProgressPreference_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "PassageRead_lessonId_idx" ON "PassageRead"("lessonId");

-- CreateIndex
CREATE INDEX "PassageRead_userId_courseId_idx" ON "PassageRead"("userId", "courseId");

-- CreateIndex
CREATE INDEX "LessonProgress_courseId_idx" ON "LessonProgress"("courseId");

-- AddForeignKey
ALTER TABLE "PassageRead" ADD CONSTRAINT "PassageRead_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassageRead" ADD CONSTRAINT "PassageRead_readingId_fkey" FOREIGN KEY ("readingId") REFERENCES "Reading"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReadingDay" ADD CONSTRAINT "ReadingDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgressPreference" ADD CONSTRAINT "ProgressPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
