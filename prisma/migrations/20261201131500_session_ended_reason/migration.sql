-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN "endedReason" TEXT;
