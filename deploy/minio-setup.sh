#!/bin/sh
# One-shot MinIO setup for callqa (compose service `minio-setup`); safe to run again.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$CALLQA_BUCKET"
# callqa's own key: read, write and delete recordings (erasure), nothing else.
cat > /tmp/callqa-policy.json <<JSON
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket",
             "s3:GetBucketLocation"],
  "Resource": ["arn:aws:s3:::$CALLQA_BUCKET", "arn:aws:s3:::$CALLQA_BUCKET/*"]}]}
JSON
mc admin user add local callqa "$CALLQA_S3_SECRET_KEY" >/dev/null
mc admin policy create local callqa-recordings /tmp/callqa-policy.json >/dev/null
mc admin policy attach local callqa-recordings --user callqa >/dev/null 2>&1 || true
# New recordings are announced to the callqa API (webhook target CALLQA, see compose.yaml).
mc event add "local/$CALLQA_BUCKET" arn:minio:sqs::CALLQA:webhook --event put --ignore-existing
echo "minio: bucket $CALLQA_BUCKET ready, notifications to the callqa API"
